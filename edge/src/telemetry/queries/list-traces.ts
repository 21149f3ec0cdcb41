/**
 * Trace list: one row per trace whose root span started in the range. Root spans are read on the
 * table's key (tenant, environment, app, time); span counts and errors then come from the listed
 * traces only, read between the first root's start and the last root's end (plus a margin for
 * clock skew and late asynchronous spans), which the key's time column narrows to a few granules.
 */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, nanosToIso, nanosToMs, rangeParams, type TimeRange } from './time-range.ts';

export type TraceListFilters = TimeRange & {
  app?: string;
  environment?: string;
  /** `error`: a span of the trace in this app and environment failed; `ok`: none did. */
  status?: 'ok' | 'error';
  minDurationMs?: number;
  limit: number;
};

export type TraceSummary = {
  traceId: string;
  /** The root span's name, and its HTTP route or Camel route id where it has one. */
  name: string;
  route: string;
  environment: string;
  app: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  error: boolean;
};

type RootRow = {
  TraceId: string;
  SpanName: string;
  route: string;
  Environment: string;
  App: string;
  ns: string;
  Duration: string;
  rootError: number;
};
type CountRow = { TraceId: string; spans: string; errors: string };

/**
 * The traces with a failed span of the same app and environment in (about) the range, from the
 * failed spans' own table (otel_traces_errors, filled by a view): few rows, read on its key.
 */
function failedTraces(filters: TraceListFilters) {
  return `SELECT TraceId FROM otel_traces_errors
    WHERE ${allOf([
      'TenantId = {tenant:String}',
      filters.environment !== undefined && 'Environment = {environment:String}',
      filters.app !== undefined && 'App = {app:String}',
      'Timestamp >= fromUnixTimestamp64Milli({fromMs:Int64})',
      'Timestamp < fromUnixTimestamp64Milli({toMs:Int64}) + INTERVAL 1 HOUR',
    ])}`;
}

export async function listTraces(
  store: TelemetryStore,
  tenantId: string,
  filters: TraceListFilters,
): Promise<TraceSummary[]> {
  const query = tenantQuery(store, tenantId);
  const where = allOf([
    'TenantId = {tenant:String}',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    'Timestamp >= fromUnixTimestamp64Milli({fromMs:Int64})',
    'Timestamp < fromUnixTimestamp64Milli({toMs:Int64})',
    "ParentSpanId = ''",
    filters.minDurationMs !== undefined && 'Duration >= {minDurationNs:UInt64}',
    filters.status === 'error' && `TraceId IN (${failedTraces(filters)})`,
    filters.status === 'ok' && `TraceId NOT IN (${failedTraces(filters)})`,
  ]);
  const rows = await query<RootRow>(
    `SELECT TraceId, SpanName,
  if(SpanAttributes['http.route'] != '', SpanAttributes['http.route'], SpanAttributes['camel.route.id']) AS route,
  Environment, App, toString(toUnixTimestamp64Nano(Timestamp)) AS ns, Duration, StatusCode = 'Error' AS rootError
FROM otel_traces
WHERE ${where}
ORDER BY Timestamp DESC
LIMIT {limit:UInt32}`,
    {
      ...rangeParams(filters),
      environment: filters.environment,
      app: filters.app,
      minDurationNs:
        filters.minDurationMs === undefined ? undefined : Math.round(filters.minDurationMs * 1e6),
      limit: filters.limit,
    },
  );
  if (rows.length === 0) return [];
  // A trace rarely has two roots (a retried request); it is listed once, by its latest.
  const roots = rows.filter((r, i) => rows.findIndex((o) => o.TraceId === r.TraceId) === i);
  const ids = roots.map((r) => r.TraceId);
  const counts = await query<CountRow>(
    `SELECT TraceId, count() AS spans, countIf(StatusCode = 'Error') AS errors
FROM otel_traces
WHERE TenantId = {tenant:String}
  AND Timestamp >= fromUnixTimestamp64Nano({windowFrom:Int64})
  AND Timestamp <= fromUnixTimestamp64Nano({windowTo:Int64})
  AND TraceId IN {ids:Array(String)}
GROUP BY TraceId`,
    { ids, ...spanWindow(roots) },
  );
  const byId = new Map(counts.map((c) => [c.TraceId, c]));
  return roots.map((r) => {
    const count = byId.get(r.TraceId);
    const errorCount = Number(count?.errors ?? 0);
    return {
      traceId: r.TraceId,
      name: r.SpanName,
      route: r.route,
      environment: r.Environment,
      app: r.App,
      startTime: nanosToIso(r.ns),
      durationMs: nanosToMs(r.Duration),
      spanCount: Number(count?.spans ?? 1),
      errorCount,
      error: errorCount > 0 || Number(r.rootError) === 1,
    };
  });
}

const marginNs = 60_000_000_000n;

/** Where the spans of the listed traces lie: their roots' span, widened by the margin. */
function spanWindow(roots: RootRow[]) {
  let from = BigInt(roots[0]?.ns ?? 0);
  let to = from;
  for (const r of roots) {
    const start = BigInt(r.ns);
    const end = start + BigInt(r.Duration);
    if (start < from) from = start;
    if (end > to) to = end;
  }
  return { windowFrom: String(from - marginNs), windowTo: String(to + marginNs) };
}
