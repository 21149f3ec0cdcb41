import type { LogRow, TelemetryScope } from '../rows.ts';
import { nanosToDateTime64, ownerColumns } from '../rows.ts';
import { anyValueText, attributes } from './attributes.ts';
import type { LogRecord, LogsRequest } from './model.ts';
import { resourceColumns, scopeColumns } from './resource-scope.ts';
import { id, nanos } from './scalars.ts';

export function logsToRows(request: LogsRequest, scope: TelemetryScope, now: () => bigint): LogRow[] {
  const owner = ownerColumns(scope);
  const rows: LogRow[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = resourceColumns(resourceLogs.resource, resourceLogs.schemaUrl);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const { ScopeDroppedAttrCount: _, ...scopeCols } = scopeColumns(scopeLogs.scope, scopeLogs.schemaUrl);
      for (const record of scopeLogs.logRecords ?? []) {
        rows.push({ ...owner, ...resource, ...scopeCols, ...recordColumns(record, now) });
      }
    }
  }
  return rows;
}

function recordColumns(record: LogRecord, now: () => bigint) {
  // A record may carry only the time it was observed (optional in OTLP), or neither.
  const time =
    nanos(record.timeUnixNano, 'log time') ||
    nanos(record.observedTimeUnixNano, 'log observed time') ||
    now();
  return {
    Timestamp: nanosToDateTime64(time),
    TraceId: id(record.traceId, 16, 'log trace id', true),
    SpanId: id(record.spanId, 8, 'log span id', true),
    TraceFlags: (record.flags ?? 0) & 0xff,
    SeverityText: record.severityText ?? '',
    SeverityNumber: record.severityNumber ?? 0,
    Body: anyValueText(record.body, 'log body'),
    LogAttributes: attributes(record.attributes, 'log record'),
  };
}
