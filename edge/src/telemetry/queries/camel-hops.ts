/**
 * The per-minute Camel hops (camel_hops_1m) that the runner resolves from camel-opentelemetry2 and
 * Java agent spans, merged over a range: per route its exchanges, per edge its calls, per processor
 * its time. Routes are keyed by their `from` URI; a route id is shown where the data tells it.
 */
import type { TelemetryStore } from '../store.ts';
import { tenantQuery } from './tenant-query.ts';
import { allOf, minutesInRange, rangeParams, type TimeRange } from './time-range.ts';

export type HopFilters = TimeRange & { app?: string; environment?: string };

export type HopRow = {
  Environment: string;
  App: string;
  Hop: 'route' | 'edge' | 'processor';
  Route: string;
  Target: string;
  routeId: string;
  shapes: string[];
  minute?: string;
  calls: string;
  failures: string;
  totalNanos: string;
  latency: number[];
};

const merged = `maxMerge(RouteId) AS routeId, groupUniqArray(Shape) AS shapes, countMerge(Calls) AS calls,
  sumMerge(Failures) AS failures, sumMerge(TotalNanos) AS totalNanos,
  quantilesMerge(0.5, 0.99)(Latency) AS latency`;

export async function camelHops(
  store: TelemetryStore,
  tenantId: string,
  filters: HopFilters & { hops?: ReadonlyArray<HopRow['Hop']>; perMinute?: boolean },
): Promise<HopRow[]> {
  const where = allOf([
    'TenantId = {tenant:String}',
    filters.environment !== undefined && 'Environment = {environment:String}',
    filters.app !== undefined && 'App = {app:String}',
    ...minutesInRange,
    filters.hops !== undefined && 'Hop IN {hops:Array(String)}',
  ]);
  const minute = filters.perMinute ? ", formatDateTime(Minute, '%Y-%m-%dT%H:%i:00Z', 'UTC') AS minute" : '';
  const byMinute = filters.perMinute ? ', Minute' : '';
  return tenantQuery(store, tenantId)<HopRow>(
    `SELECT Environment, App, Hop, Route, Target${minute}, ${merged}
FROM camel_hops_1m
WHERE ${where}
GROUP BY Environment, App, Hop, Route, Target${byMinute}
ORDER BY Environment, App, Hop, Route, Target${byMinute}`,
    {
      ...rangeParams(filters),
      environment: filters.environment,
      app: filters.app,
      hops: filters.hops ? [...filters.hops] : undefined,
    },
  );
}

/** Why a graph looks poorer than the app: the Java agent's Camel spans carry no route id and no internal sends. */
export function shapeNotes(shapes: ReadonlySet<string>): string[] {
  if (!shapes.has('java-agent')) return [];
  return [
    'Some apps are traced by the OpenTelemetry Java agent: route ids and internal hops (sends to direct: and seda:) are not in the data, so their routes are named by their consumer URI and linked only where one route ran inside another.',
  ];
}
