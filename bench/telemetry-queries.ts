/**
 * p50/p99 of the trace list and topology queries — the edge's own query functions, over
 * `@clickhouse/client` and the ClickHouse HTTP interface — on one tenant's spans among ten
 * tenants', generated inside ClickHouse first. Filters vary per call (app, environment, status,
 * time window) so no two consecutive calls are the same query.
 */
import { createClient } from '@clickhouse/client';
import { listTraces } from '../edge/src/telemetry/queries/list-traces.ts';
import { routeTopology } from '../edge/src/telemetry/queries/route-topology.ts';
import { clickhouseTelemetryStore } from '../edge/src/telemetry/store.ts';
import { hopDataSql, spanDataSql } from './telemetry-data.ts';

export type QueryPlan = {
  tenantSpans: number;
  otherTenants: number;
  otherTenantSpans: number;
  calls: number;
};
export type Percentiles = { p50Ms: number; p99Ms: number };
export type QueryResult = {
  traceList: Percentiles;
  topology: Percentiles;
  spans: number;
  loadSeconds: number;
};

const apps = 5;
const hours = 24;
const tenantId = 'ten_benchq0';
const tracesPerStatement = 250_000;

export async function benchQueries(
  clickhouseUrl: string,
  plan: QueryPlan,
  log: (line: string) => void,
): Promise<QueryResult> {
  // Loading a million spans per statement takes longer than the client's 30 s default on a busy machine.
  const client = createClient({ url: clickhouseUrl, request_timeout: 600_000 });
  try {
    const began = performance.now();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const tenants = [
      { tenantId, spans: plan.tenantSpans },
      ...Array.from({ length: plan.otherTenants }, (_, i) => ({
        tenantId: `ten_benchq${i + 1}`,
        spans: plan.otherTenantSpans,
      })),
    ];
    for (const t of tenants) {
      const traces = Math.floor(t.spans / 4);
      for (let first = 0; first < traces; first += tracesPerStatement) {
        const count = Math.min(tracesPerStatement, traces - first);
        await client.command({ query: spanDataSql({ ...t, apps, hours }, nowSeconds, first, count) });
        await client.command({ query: hopDataSql({ ...t, apps, hours }, nowSeconds, first, count) });
      }
      log(`  loaded ${t.spans.toLocaleString('en')} spans of ${t.tenantId}`);
    }
    const loadSeconds = (performance.now() - began) / 1000;
    const store = clickhouseTelemetryStore(client);
    const filters = (i: number) => {
      const to = new Date(nowSeconds * 1000);
      const windowHours = [1, 6, 24][i % 3] ?? 1;
      return {
        app: `app-${i % apps}`,
        environment: i % 2 === 0 ? 'dev' : 'prod',
        from: new Date(to.getTime() - windowHours * 3600_000),
        to,
      };
    };
    const traceList = await measure(plan.calls, (i) =>
      listTraces(store, tenantId, {
        ...filters(i),
        limit: 50,
        ...(i % 4 === 3 ? { status: 'error' as const } : {}),
        ...(i % 4 === 2 ? { minDurationMs: 25 } : {}),
      }),
    );
    log(`  trace list p50 ${traceList.p50Ms.toFixed(1)} ms, p99 ${traceList.p99Ms.toFixed(1)} ms`);
    const topology = await measure(plan.calls, (i) => routeTopology(store, tenantId, filters(i)));
    log(`  topology   p50 ${topology.p50Ms.toFixed(1)} ms, p99 ${topology.p99Ms.toFixed(1)} ms`);
    const spans = plan.tenantSpans + plan.otherTenants * plan.otherTenantSpans;
    return { traceList, topology, spans, loadSeconds };
  } finally {
    await client.close();
  }
}

async function measure(calls: number, call: (i: number) => Promise<unknown>): Promise<Percentiles> {
  for (let i = 0; i < Math.min(10, calls); i++) await call(i); // warm-up: caches and parts loaded
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const began = performance.now();
    const result = await call(i);
    times.push(performance.now() - began);
    if (i === 0 && !hasRows(result)) throw new Error('a bench query returned nothing: the data did not load');
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

function hasRows(result: unknown): boolean {
  if (Array.isArray(result)) return result.length > 0;
  if (result && typeof result === 'object' && 'edges' in result)
    return (result as { edges: unknown[] }).edges.length > 0;
  return false;
}
