/**
 * Metrics per Camel route: exchanges (consumer spans, Direction 'from'), failures and latency
 * percentiles over the range, and the same per minute, merged from route_edges_1m.
 */
import type { TelemetryStore } from '../store.ts';
import { type EdgeStats, edgeStats, minutesInRange } from './route-topology.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, rangeParams, type TimeRange } from './time-range.ts';

export type RouteMetricsFilters = TimeRange & { app?: string; environment?: string; routeId?: string };

type Stats = Omit<EdgeStats, 'calls'> & { exchanges: number };

export type RouteMetrics = Stats & {
  environment: string;
  app: string;
  routeId: string;
  series: Array<Stats & { minute: string }>;
};

type Row = {
  Environment: string;
  App: string;
  RouteId: string;
  minute?: string;
  calls: string;
  failures: string;
  latency: number[];
};

export async function routeMetrics(
  store: TelemetryStore,
  tenantId: string,
  filters: RouteMetricsFilters,
): Promise<RouteMetrics[]> {
  const query = tenantQuery(store, tenantId);
  const where = allOf([
    'TenantId = {tenant:String}',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    ...minutesInRange,
    "Direction = 'from'",
    filters.routeId !== undefined && 'RouteId = {routeId:String}',
  ]);
  const params = {
    ...rangeParams(filters),
    environment: filters.environment,
    app: filters.app,
    routeId: filters.routeId,
  };
  const merged = `countMerge(Calls) AS calls, countIfMerge(Failures) AS failures,
  quantilesMerge(0.5, 0.99)(Latency) AS latency`;
  const [totals, minutes] = await Promise.all([
    query<Row>(
      `SELECT Environment, App, RouteId, ${merged}
FROM route_edges_1m
WHERE ${where}
GROUP BY Environment, App, RouteId
ORDER BY Environment, App, RouteId`,
      params,
    ),
    query<Row>(
      `SELECT Environment, App, RouteId, formatDateTime(Minute, '%Y-%m-%dT%H:%i:00Z', 'UTC') AS minute, ${merged}
FROM route_edges_1m
WHERE ${where}
GROUP BY Environment, App, RouteId, Minute
ORDER BY Environment, App, RouteId, Minute`,
      params,
    ),
  ]);
  const key = (r: Row) => JSON.stringify([r.Environment, r.App, r.RouteId]);
  const series = new Map<string, RouteMetrics['series']>();
  for (const row of minutes) {
    const list = series.get(key(row)) ?? [];
    list.push({ minute: row.minute ?? '', ...stats(row) });
    series.set(key(row), list);
  }
  return totals.map((row) => ({
    environment: row.Environment,
    app: row.App,
    routeId: row.RouteId,
    ...stats(row),
    series: series.get(key(row)) ?? [],
  }));
}

function stats(row: Row): Stats {
  const { calls, ...rest } = edgeStats(row);
  return { exchanges: calls, ...rest };
}
