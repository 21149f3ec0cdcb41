/**
 * Metrics per Camel route: exchanges, failures and latency percentiles over the range, the same per
 * minute, and with processor spans the time per processor. Routes read per span (consumer spans
 * with `camel.route.id` and no `camel.uri`, route_edges_1m) are named by id; the others
 * (camel_hops_1m) by `from` URI, with their id where the data tells it.
 */
import type { TelemetryStore } from '../store.ts';
import { camelHops, type HopRow } from './camel-hops.ts';
import { type EdgeStats, edgeStats } from './route-topology.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, minutesInRange, nanosToMs, rangeParams, type TimeRange } from './time-range.ts';

export type RouteMetricsFilters = TimeRange & { app?: string; environment?: string; routeId?: string };

type Stats = Omit<EdgeStats, 'calls'> & { exchanges: number };

export type ProcessorTime = {
  processor: string;
  calls: number;
  failures: number;
  totalMs: number;
  p50Ms: number;
  p99Ms: number;
};

export type RouteMetrics = Stats & {
  environment: string;
  app: string;
  routeId: string;
  /** The route's `from` URI, when the route is known by it. */
  uri?: string;
  series: Array<Stats & { minute: string }>;
  /** Time per processor, with processor spans (camel-opentelemetry2's `traceProcessors=true`). */
  processors?: ProcessorTime[];
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
  const [byId, byUri] = await Promise.all([
    routeIdMetrics(store, tenantId, filters),
    hopMetrics(store, tenantId, filters),
  ]);
  return [...byId, ...byUri].sort((a, b) =>
    compare([a.environment, a.app, a.routeId], [b.environment, b.app, b.routeId]),
  );
}

async function routeIdMetrics(
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

/** Routes from camel_hops_1m; `routeId` matches a route's id or its `from` URI. */
async function hopMetrics(
  store: TelemetryStore,
  tenantId: string,
  filters: RouteMetricsFilters,
): Promise<RouteMetrics[]> {
  const [totals, minutes, processors] = await Promise.all([
    camelHops(store, tenantId, { ...filters, hops: ['route'] }),
    camelHops(store, tenantId, { ...filters, hops: ['route'], perMinute: true }),
    camelHops(store, tenantId, { ...filters, hops: ['processor'] }),
  ]);
  const key = (r: HopRow) => JSON.stringify([r.Environment, r.App, r.Route]);
  const series = group(minutes, key, (row) => ({ minute: row.minute ?? '', ...stats(row) }));
  const perProcessor = group(processors, key, processorTime);
  const wanted = filters.routeId;
  return totals
    .filter((row) => wanted === undefined || row.routeId === wanted || row.Route === wanted)
    .map((row) => {
      const timed = perProcessor.get(key(row));
      return {
        environment: row.Environment,
        app: row.App,
        routeId: row.routeId !== '' ? row.routeId : row.Route,
        uri: row.Route,
        ...stats(row),
        series: series.get(key(row)) ?? [],
        ...(timed ? { processors: timed } : {}),
      };
    });
}

function processorTime(row: HopRow): ProcessorTime {
  const { calls, failures, p50Ms, p99Ms } = edgeStats(row);
  return { processor: row.Target, calls, failures, totalMs: nanosToMs(row.totalNanos), p50Ms, p99Ms };
}

function group<R, T>(rows: R[], key: (row: R) => string, map: (row: R) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row)) ?? [];
    list.push(map(row));
    out.set(key(row), list);
  }
  return out;
}

function compare(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function stats(row: { calls: string; failures: string; latency: number[] }): Stats {
  const { calls, ...rest } = edgeStats(row);
  return { exchanges: calls, ...rest };
}
