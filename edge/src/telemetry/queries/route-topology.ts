/**
 * Camel route topology: routes and endpoints as nodes, and per edge its calls, failures, error
 * rate and p50/p99 latency over the range, merged from the per-minute aggregates of route_edges_1m.
 * An endpoint feeds a route (Direction 'from', a consumer span) or a route calls it ('to').
 */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, nanosToMs, rangeParams, type TimeRange } from './time-range.ts';

export type TopologyFilters = TimeRange & { app?: string; environment?: string };

export type TopologyNode =
  | { id: string; type: 'route'; routeId: string; app: string; environment: string }
  | { id: string; type: 'endpoint'; uri: string };

export type EdgeStats = { calls: number; failures: number; errorRate: number; p50Ms: number; p99Ms: number };

export type TopologyEdge = EdgeStats & {
  from: string;
  to: string;
  direction: 'from' | 'to';
  app: string;
  environment: string;
  routeId: string;
  endpoint: string;
};

export type Topology = { nodes: TopologyNode[]; edges: TopologyEdge[] };

type Row = {
  Environment: string;
  App: string;
  Direction: string;
  RouteId: string;
  Endpoint: string;
  calls: string;
  failures: string;
  latency: number[];
};

export async function routeTopology(
  store: TelemetryStore,
  tenantId: string,
  filters: TopologyFilters,
): Promise<Topology> {
  const where = allOf([
    'TenantId = {tenant:String}',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    ...minutesInRange,
  ]);
  const rows = await tenantQuery(store, tenantId)<Row>(
    `SELECT Environment, App, Direction, RouteId, Endpoint, countMerge(Calls) AS calls,
  countIfMerge(Failures) AS failures, quantilesMerge(0.5, 0.99)(Latency) AS latency
FROM route_edges_1m
WHERE ${where}
GROUP BY Environment, App, Direction, RouteId, Endpoint
ORDER BY Environment, App, RouteId, Direction, Endpoint`,
    { ...rangeParams(filters), environment: filters.environment, app: filters.app },
  );
  const nodes = new Map<string, TopologyNode>();
  const edges = rows.map((row): TopologyEdge => {
    const route = routeNodeId(row.Environment, row.App, row.RouteId);
    const endpoint = `endpoint:${row.Endpoint}`;
    nodes.set(route, {
      id: route,
      type: 'route',
      routeId: row.RouteId,
      app: row.App,
      environment: row.Environment,
    });
    nodes.set(endpoint, { id: endpoint, type: 'endpoint', uri: row.Endpoint });
    const direction = row.Direction === 'from' ? 'from' : 'to';
    return {
      from: direction === 'from' ? endpoint : route,
      to: direction === 'from' ? route : endpoint,
      direction,
      app: row.App,
      environment: row.Environment,
      routeId: row.RouteId,
      endpoint: row.Endpoint,
      ...edgeStats(row),
    };
  });
  return { nodes: [...nodes.values()], edges };
}

/** The minutes of the range: a minute counts when it started in it. */
export const minutesInRange = [
  'Minute >= toStartOfMinute(fromUnixTimestamp64Milli({fromMs:Int64}))',
  'Minute < fromUnixTimestamp64Milli({toMs:Int64})',
];

export const routeNodeId = (environment: string, app: string, routeId: string) =>
  `route:${environment}/${app}/${routeId}`;

/** Counts and latency quantiles (nanoseconds) as the API shows them. */
export function edgeStats(row: { calls: string; failures: string; latency: number[] }): EdgeStats {
  const calls = Number(row.calls);
  const failures = Number(row.failures);
  return {
    calls,
    failures,
    errorRate: calls === 0 ? 0 : failures / calls,
    p50Ms: nanosToMs(row.latency[0] ?? 0),
    p99Ms: nanosToMs(row.latency[1] ?? 0),
  };
}
