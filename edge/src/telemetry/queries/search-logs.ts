/** Log search: stored log records of a tenant, newest first, filtered by time, level, text, app and env. */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, nanosToIso, rangeParams, type TimeRange } from './time-range.ts';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof logLevels)[number];

/** The lowest OpenTelemetry SeverityNumber of each level (TRACE 1–4 … FATAL 21–24). */
const severityFloor: Record<LogLevel, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

export type LogSearch = TimeRange & {
  app?: string;
  environment?: string;
  /** Records at this level or above. */
  level?: LogLevel;
  /** Case-insensitive substring of the body. */
  text?: string;
  limit: number;
  /** The `next` of the previous page. */
  cursor?: string;
};

export type LogRecord = {
  time: string;
  environment: string;
  app: string;
  deploymentId: string;
  level: LogLevel | 'unset';
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  scope: string;
  attributes: Record<string, string>;
};

// Captured stdout/stderr and some SDKs set only SeverityText; its usual spellings count too.
const severity = `multiIf(
    SeverityNumber > 0, toUInt8(SeverityNumber),
    upper(SeverityText) IN ('FATAL', 'CRITICAL', 'EMERGENCY', 'ALERT'), 21,
    upper(SeverityText) IN ('ERROR', 'ERR', 'SEVERE'), 17,
    upper(SeverityText) IN ('WARN', 'WARNING'), 13,
    upper(SeverityText) IN ('INFO', 'INFORMATION', 'NOTICE'), 9,
    upper(SeverityText) IN ('DEBUG', 'FINE'), 5,
    upper(SeverityText) IN ('TRACE', 'FINER', 'FINEST'), 1,
    0)`;

// (64-bit values travel as strings: JSON numbers would round them.)
// Records of the same nanosecond are told apart by a hash of their content, so pages neither skip nor repeat.
const rowKey = 'cityHash64(Environment, App, DeploymentId, SpanId, ScopeName, Body)';

type Row = {
  ns: string;
  key: string;
  severity: number;
  Environment: string;
  App: string;
  DeploymentId: string;
  SeverityText: string;
  Body: string;
  TraceId: string;
  SpanId: string;
  ScopeName: string;
  LogAttributes: Record<string, string>;
};

export async function searchLogs(
  store: TelemetryStore,
  tenantId: string,
  filters: LogSearch,
): Promise<{ items: LogRecord[]; next: string | null }> {
  const cursor = filters.cursor ? parseLogCursor(filters.cursor) : undefined;
  const where = allOf([
    'TenantId = {tenant:String}',
    'Timestamp >= fromUnixTimestamp64Milli({fromMs:Int64})',
    'Timestamp < fromUnixTimestamp64Milli({toMs:Int64})',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    filters.level !== undefined && `${severity} >= {minSeverity:UInt8}`,
    filters.text !== undefined && 'positionCaseInsensitiveUTF8(Body, {text:String}) > 0',
    cursor && `(Timestamp, ${rowKey}) < (fromUnixTimestamp64Nano({cursorNs:Int64}), {cursorKey:UInt64})`,
  ]);
  const rows = await tenantQuery(store, tenantId)<Row>(
    `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, toString(${rowKey}) AS key, ${severity} AS severity,
  Environment, App, DeploymentId, SeverityText, Body, TraceId, SpanId, ScopeName, LogAttributes
FROM otel_logs
WHERE ${where}
ORDER BY Timestamp DESC, ${rowKey} DESC
LIMIT {limit:UInt32}`,
    {
      ...rangeParams(filters),
      environment: filters.environment,
      app: filters.app,
      minSeverity: filters.level ? severityFloor[filters.level] : undefined,
      text: filters.text,
      cursorNs: cursor?.ns,
      cursorKey: cursor?.key,
      limit: filters.limit,
    },
  );
  const last = rows.at(-1);
  return {
    items: rows.map(toRecord),
    next: rows.length === filters.limit && last ? `${last.ns}.${last.key}` : null,
  };
}

export class InvalidCursor extends Error {}

/** A cursor is `<nanoseconds>.<row key>` of the last record of a page. */
export function parseLogCursor(cursor: string): { ns: string; key: string } {
  const match = /^(\d{1,19})\.(\d{1,20})$/.exec(cursor);
  if (!match?.[1] || !match[2] || BigInt(match[2]) > 0xffffffffffffffffn || BigInt(match[1]) > 2n ** 63n - 1n)
    throw new InvalidCursor('not a cursor this API gave out');
  return { ns: match[1], key: match[2] };
}

function toRecord(row: Row): LogRecord {
  return {
    time: nanosToIso(row.ns),
    environment: row.Environment,
    app: row.App,
    deploymentId: row.DeploymentId,
    level: levelOf(Number(row.severity)),
    severityText: row.SeverityText,
    body: row.Body,
    traceId: row.TraceId,
    spanId: row.SpanId,
    scope: row.ScopeName,
    attributes: row.LogAttributes,
  };
}

function levelOf(severityNumber: number): LogLevel | 'unset' {
  let level: LogLevel | 'unset' = 'unset';
  for (const name of logLevels) if (severityNumber >= severityFloor[name]) level = name;
  return level;
}
