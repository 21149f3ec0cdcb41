import type { SpanRow, TelemetryScope } from '../rows.ts';
import { attributes } from './attributes.ts';
import type { Span, TracesRequest } from './model.ts';
import { resourceColumns, scopeColumns } from './resource-scope.ts';
import { dateTime64, id, nanos, nanosTime } from './scalars.ts';

/** SpanKind and StatusCode as the ClickHouse exporter spells them (pdata's `String()`). */
const spanKinds = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const statusCodes = ['Unset', 'Ok', 'Error'];

export function tracesToRows(request: TracesRequest, scope: TelemetryScope): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = resourceColumns(resourceSpans.resource, resourceSpans.schemaUrl);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const { ScopeName, ScopeVersion } = scopeColumns(scopeSpans.scope, scopeSpans.schemaUrl);
      for (const span of scopeSpans.spans ?? []) {
        rows.push(
          spanRow(span, scope, resource.ServiceName, resource.ResourceAttributes, ScopeName, ScopeVersion),
        );
      }
    }
  }
  return rows;
}

// One object literal per row: spreading partial objects into rows of this width was ten times slower.
function spanRow(
  span: Span,
  scope: TelemetryScope,
  ServiceName: string,
  ResourceAttributes: SpanRow['ResourceAttributes'],
  ScopeName: string,
  ScopeVersion: string,
): SpanRow {
  const start = nanos(span.startTimeUnixNano, 'span start time');
  const end = nanos(span.endTimeUnixNano, 'span end time');
  const events = span.events ?? [];
  const links = span.links ?? [];
  return {
    TenantId: scope.tenantId,
    Environment: scope.environment,
    App: scope.app,
    DeploymentId: scope.deploymentId,
    RetentionDays: scope.retentionDays,
    Timestamp: dateTime64(start),
    TraceId: id(span.traceId, 16, 'span trace id', false),
    SpanId: id(span.spanId, 8, 'span id', false),
    ParentSpanId: id(span.parentSpanId, 8, 'parent span id', true),
    TraceState: span.traceState ?? '',
    SpanName: span.name ?? '',
    SpanKind: spanKinds[span.kind ?? 0] ?? 'Unspecified',
    ServiceName,
    ResourceAttributes,
    ScopeName,
    ScopeVersion,
    SpanAttributes: attributes(span.attributes, 'span'),
    Duration: end > start ? Number(end - start) : 0,
    StatusCode: statusCodes[span.status?.code ?? 0] ?? 'Unset',
    StatusMessage: span.status?.message ?? '',
    'Events.Timestamp': events.map((event) => nanosTime(event.timeUnixNano, 'span event time')),
    'Events.Name': events.map((event) => event.name ?? ''),
    'Events.Attributes': events.map((event) => attributes(event.attributes, 'span event')),
    'Links.TraceId': links.map((link) => id(link.traceId, 16, 'link trace id', false)),
    'Links.SpanId': links.map((link) => id(link.spanId, 8, 'link span id', false)),
    'Links.TraceState': links.map((link) => link.traceState ?? ''),
    'Links.Attributes': links.map((link) => attributes(link.attributes, 'span link')),
  };
}
