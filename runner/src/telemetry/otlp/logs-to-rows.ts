import type { LogRow, TelemetryScope } from '../rows.ts';
import { anyValueText, attributes } from './attributes.ts';
import type { LogRecord, LogsRequest } from './model.ts';
import { type ResourceColumns, resourceColumns, type ScopeColumns, scopeColumns } from './resource-scope.ts';
import { dateTime64, id, nanos } from './scalars.ts';

export function logsToRows(request: LogsRequest, scope: TelemetryScope, now: () => bigint): LogRow[] {
  const rows: LogRow[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = resourceColumns(resourceLogs.resource, resourceLogs.schemaUrl);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const scopeCols = scopeColumns(scopeLogs.scope, scopeLogs.schemaUrl);
      for (const record of scopeLogs.logRecords ?? [])
        rows.push(logRow(record, scope, resource, scopeCols, now));
    }
  }
  return rows;
}

// One object literal per row: spreading partial objects into wide rows is many times slower.
function logRow(
  record: LogRecord,
  scope: TelemetryScope,
  resource: ResourceColumns,
  scopeCols: ScopeColumns,
  now: () => bigint,
): LogRow {
  // A record may carry only the time it was observed (optional in OTLP), or neither.
  const time =
    nanos(record.timeUnixNano, 'log time') ||
    nanos(record.observedTimeUnixNano, 'log observed time') ||
    now();
  return {
    TenantId: scope.tenantId,
    Environment: scope.environment,
    App: scope.app,
    DeploymentId: scope.deploymentId,
    RetentionDays: scope.retentionDays,
    Timestamp: dateTime64(time),
    TraceId: id(record.traceId, 16, 'log trace id', true),
    SpanId: id(record.spanId, 8, 'log span id', true),
    TraceFlags: (record.flags ?? 0) & 0xff,
    SeverityText: record.severityText ?? '',
    SeverityNumber: record.severityNumber ?? 0,
    ServiceName: resource.ServiceName,
    Body: anyValueText(record.body, 'log body'),
    ResourceSchemaUrl: resource.ResourceSchemaUrl,
    ResourceAttributes: resource.ResourceAttributes,
    ScopeSchemaUrl: scopeCols.ScopeSchemaUrl,
    ScopeName: scopeCols.ScopeName,
    ScopeVersion: scopeCols.ScopeVersion,
    ScopeAttributes: scopeCols.ScopeAttributes,
    LogAttributes: attributes(record.attributes, 'log record'),
  };
}
