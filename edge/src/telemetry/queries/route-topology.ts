/**
 * Camel route topology: routes and endpoints as nodes, and per edge its calls, failures, error
 * rate and p50/p99 latency over the range. Two sources, merged:
 * - camel_hops_1m, what the runner resolved from camel-opentelemetry2 and Java agent spans: a route
 *   per `from` URI (a node even without outgoing edges, with its exchanges), an edge per endpoint it
 *   calls, leading to the called route when a route of the same app consumes that endpoint;
 * - route_edges_1m, spans with `camel.route.id` and no `camel.uri` (and v1 spans stored before 0009).
 */
import type { TelemetryStore } from '../store.ts';
import { camelHops, type HopRow, shapeNotes } from './camel-hops.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, minutesInRange, nanosToMs, rangeParams, type TimeRange } from './time-range.ts';

export { minutesInRange };

export type TopologyFilters = TimeRange & { app?: string; environment?: string };

export type EdgeStats = { calls: number; failures: number; errorRate: number; p50Ms: number; p99Ms: number };

export type RouteNode = {
  id: string;
  type: 'route';
  routeId: string;
  app: string;
  environment: string;
  /** The route's `from` URI, when the route is known by it (camel-opentelemetry2, Java agent). */
  uri?: string;
  /** Who emitted its spans: 'camel-telemetry', 'camel-tracing', 'java-agent', or 'route-id' (camel.route.id only). */
  shape?: string;
  exchanges?: number;
} & Partial<Omit<EdgeStats, 'calls'>>;

export type TopologyNode = RouteNode | { id: string; type: 'endpoint'; uri: string };

export type TopologyEdge = EdgeStats & {
  from: string;
  to: string;
  direction: 'from' | 'to';
  app: string;
  environment: string;
  routeId: string;
  endpoint: string;
};

export type Topology = { nodes: TopologyNode[]; edges: TopologyEdge[]; shapes: string[]; notes: string[] };

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
  const [rows, hops] = await Promise.all([
    routeIdEdges(store, tenantId, filters),
    camelHops(store, tenantId, { ...filters, hops: ['route', 'edge'] }),
  ]);
  const nodes = new Map<string, TopologyNode>();
  const shapes = new Set<string>();
  const edges = rows.map((row): TopologyEdge => {
    const route = routeNodeId(row.Environment, row.App, row.RouteId);
    const endpoint = `endpoint:${row.Endpoint}`;
    nodes.set(route, {
      id: route,
      type: 'route',
      routeId: row.RouteId,
      app: row.App,
      environment: row.Environment,
      shape: 'route-id',
    });
    shapes.add('route-id');
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
  const routeIds = new Map<string, string>();
  for (const hop of hops) {
    if (hop.Hop !== 'route') continue;
    const id = routeNodeId(hop.Environment, hop.App, hop.Route);
    const { calls, ...stats } = edgeStats(hop);
    for (const shape of hop.shapes) shapes.add(shape);
    routeIds.set(id, hop.routeId);
    nodes.set(id, {
      id,
      type: 'route',
      routeId: hop.routeId,
      app: hop.App,
      environment: hop.Environment,
      uri: hop.Route,
      shape: hop.shapes[0] ?? '',
      exchanges: calls,
      ...stats,
    });
  }
  for (const hop of hops) {
    if (hop.Hop !== 'edge' || hop.Route === '') continue;
    edges.push(hopEdge(hop, nodes, routeIds));
  }
  // A route consuming what another app's route sends to (a queue, a topic): the endpoint links them.
  for (const hop of hops) {
    const endpoint = `endpoint:${hop.Route}`;
    if (hop.Hop !== 'route' || !nodes.has(endpoint)) continue;
    edges.push({
      from: endpoint,
      to: routeNodeId(hop.Environment, hop.App, hop.Route),
      direction: 'from',
      app: hop.App,
      environment: hop.Environment,
      routeId: hop.routeId,
      endpoint: hop.Route,
      ...edgeStats(hop),
    });
  }
  return { nodes: [...nodes.values()], edges, shapes: [...shapes].sort(), notes: shapeNotes(shapes) };
}

/** An edge from a route to the route consuming its target in the same app, else to the endpoint. */
function hopEdge(hop: HopRow, nodes: Map<string, TopologyNode>, routeIds: Map<string, string>): TopologyEdge {
  const from = routeNodeId(hop.Environment, hop.App, hop.Route);
  if (!nodes.has(from)) {
    // Its exchanges started before the range: the route is known by the calls it made in it.
    nodes.set(from, {
      id: from,
      type: 'route',
      routeId: '',
      app: hop.App,
      environment: hop.Environment,
      uri: hop.Route,
    });
  }
  const targetRoute = routeNodeId(hop.Environment, hop.App, hop.Target);
  let to = targetRoute;
  if (!nodes.has(targetRoute)) {
    to = `endpoint:${hop.Target}`;
    nodes.set(to, { id: to, type: 'endpoint', uri: hop.Target });
  }
  return {
    from,
    to,
    direction: 'to',
    app: hop.App,
    environment: hop.Environment,
    routeId: routeIds.get(from) ?? '',
    endpoint: hop.Target,
    ...edgeStats(hop),
  };
}

function routeIdEdges(store: TelemetryStore, tenantId: string, filters: TopologyFilters): Promise<Row[]> {
  const where = allOf([
    'TenantId = {tenant:String}',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    ...minutesInRange,
  ]);
  return tenantQuery(store, tenantId)<Row>(
    `SELECT Environment, App, Direction, RouteId, Endpoint, countMerge(Calls) AS calls,
  countIfMerge(Failures) AS failures, quantilesMerge(0.5, 0.99)(Latency) AS latency
FROM route_edges_1m
WHERE ${where}
GROUP BY Environment, App, Direction, RouteId, Endpoint
ORDER BY Environment, App, RouteId, Direction, Endpoint`,
    { ...rangeParams(filters), environment: filters.environment, app: filters.app },
  );
}

/** A route's node: by route id in the id-only shape, by `from` URI in the others. */
export const routeNodeId = (environment: string, app: string, route: string) =>
  `route:${environment}/${app}/${route}`;

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
