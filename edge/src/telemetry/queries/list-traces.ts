/**
 * Trace list: one row per trace whose root span started in the range. Root spans are read on the
 * table's key (tenant, environment, app, time); span counts and errors then come from the listed
 * traces only, each read within its own start and end (otel_traces_trace_id_ts).
 */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, nanosToIso, nanosToMs, rangeParams, type TimeRange } from './time-range.ts';

export type TraceListFilters = TimeRange & {
  app?: string;
  environment?: string;
  /** `error`: some span of the trace failed; `ok`: none did. */
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

// The traces with a failed span in the range (few, and read on the same key as the roots).
const failedTraces = `SELECT TraceId FROM otel_traces
    WHERE ${allOf([
      'TenantId = {tenant:String}',
      'Timestamp >= fromUnixTimestamp64Milli({fromMs:Int64})',
      'Timestamp < fromUnixTimestamp64Milli({toMs:Int64}) + INTERVAL 1 HOUR',
      "StatusCode = 'Error'",
    ])}`;

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
    filters.status === 'error' && `TraceId IN (${failedTraces})`,
    filters.status === 'ok' && `TraceId NOT IN (${failedTraces})`,
  ]);
  const roots = await query<RootRow>(
    `SELECT TraceId, SpanName,
  if(SpanAttributes['http.route'] != '', SpanAttributes['http.route'], SpanAttributes['camel.route.id']) AS route,
  Environment, App, toString(toUnixTimestamp64Nano(Timestamp)) AS ns, Duration, StatusCode = 'Error' AS rootError
FROM otel_traces
WHERE ${where}
ORDER BY Timestamp DESC
LIMIT 1 BY TraceId
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
  if (roots.length === 0) return [];
  const ids = roots.map((r) => r.TraceId);
  const counts = await query<CountRow>(
    `SELECT TraceId, count() AS spans, countIf(StatusCode = 'Error') AS errors
FROM otel_traces
WHERE TenantId = {tenant:String}
  AND TraceId IN {ids:Array(String)}
  AND Timestamp >= (SELECT min(Start) FROM otel_traces_trace_id_ts WHERE TenantId = {tenant:String} AND TraceId IN {ids:Array(String)})
  AND Timestamp <= (SELECT max(End) FROM otel_traces_trace_id_ts WHERE TenantId = {tenant:String} AND TraceId IN {ids:Array(String)})
GROUP BY TraceId`,
    { ids },
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
