import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CamelShapeFixture,
  camelOpenTelemetry2,
  camelOpenTelemetryV1,
  camelShapeRows,
  javaAgent,
} from '../../../../runner/test/telemetry/camel-shape-rows.ts';
import { startTestClickHouse, type TestClickHouse } from '../../../test/clickhouse.ts';
import { createTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { scopeOf } from '../../../test/telemetry-fixture.ts';
import { clickhouseTelemetryStore } from '../../telemetry/store.ts';

// One app per emitter, each the same small Camel app, its spans made into rows by the runner's
// intake code (hops resolved from batches of one span each, children first) and read through the API.
const apps: Record<string, CamelShapeFixture> = {
  'v2-internal': camelOpenTelemetry2('internal-kinds'),
  v2: camelOpenTelemetry2('camel-23312', { traceProcessors: true }),
  v1: camelOpenTelemetryV1,
  agent: javaAgent,
};

describe('Camel topology and route metrics from the span shapes Camel emits', () => {
  let clickhouse: TestClickHouse;
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;

  beforeAll(async () => {
    [clickhouse, edge] = await Promise.all([startTestClickHouse(), createTestEdge('pglite')]);
    t = await edge.tenant('acme');
    edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
    // Another tenant's app of the same name: the counts below would double if its hops leaked in.
    const owners = [...Object.entries(apps).map(([app, fixture]) => ({ tenantId: t.id, app, fixture }))];
    owners.push({ tenantId: 'ten_someone_else', app: 'v2', fixture: apps.v2 as CamelShapeFixture });
    // The old shape: camel.route.id and no camel.uri, which only the per-span view can read.
    const idOnly = camelShapeRows(camelOpenTelemetryV1, scopeOf(t.id, 'id-only'), {
      failed: [false, true],
      startMs: Date.now() - 120_000,
    }).spans.map((span) => {
      const { 'camel.uri': _uri, ...attributes } = span.SpanAttributes;
      return { ...span, SpanAttributes: attributes };
    });
    await clickhouse.client.insert({ table: 'otel_traces', values: idOnly, format: 'JSONEachRow' });
    for (const { tenantId, app, fixture } of owners) {
      const rows = camelShapeRows(fixture, scopeOf(tenantId, app), {
        failed: [false, true],
        startMs: Date.now() - 120_000,
        childFirst: true,
      });
      expect(rows.resolver.orphaned, app).toBe(0);
      await clickhouse.client.insert({ table: 'otel_traces', values: rows.spans, format: 'JSONEachRow' });
      if (rows.hops.length > 0) {
        await clickhouse.client.insert({ table: 'camel_hops', values: rows.hops, format: 'JSONEachRow' });
      }
    }
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await clickhouse?.close();
  });

  const get = async (path: string) => {
    const res = await edge.request(`/api/tenants/acme/telemetry/${path}`, { token: t.tokens.viewer });
    expect(res.status, path).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the test reads the JSON it asserts on
    return (await res.json()) as any;
  };
  type Edge = { from: string; to: string; calls: number; failures: number; errorRate: number };
  const edgesOf = (body: { edges: Edge[] }) =>
    Object.fromEntries(body.edges.map((e) => [`${e.from} -> ${e.to}`, e]));

  for (const app of ['v2', 'v2-internal']) {
    it(`${app}: routes by from URI, route-to-route through direct and seda, a route with no outgoing edge`, async () => {
      const body = await get(`topology?app=${app}`);
      const route = (uri: string) => `route:dev/${app}/${uri}`;
      const edges = edgesOf(body);
      expect(Object.keys(edges).sort()).toEqual([
        `${route('direct://validate')} -> endpoint:log://validated`,
        `${route('platform-http://orders')} -> endpoint:http://inventory:8080/reserve`,
        `${route('platform-http://orders')} -> ${route('direct://validate')}`,
        `${route('platform-http://orders')} -> ${route('seda://audit')}`,
      ]);
      expect(
        edges[`${route('platform-http://orders')} -> endpoint:http://inventory:8080/reserve`],
      ).toMatchObject({
        calls: 2,
        failures: 1,
        errorRate: 0.5,
      });
      const routes = body.nodes.filter((n: { type: string }) => n.type === 'route');
      // The sub-routes carry the caller's camel.route.id (getFromRouteId): three routes, not one.
      expect(routes.map((n: { uri: string; routeId: string }) => [n.uri, n.routeId]).sort()).toEqual([
        ['direct://validate', ''],
        ['platform-http://orders', app === 'v2' ? 'orders' : ''],
        ['seda://audit', ''],
      ]);
      expect(routes.find((n: { uri: string }) => n.uri === 'seda://audit')).toMatchObject({
        exchanges: 2,
        failures: 0,
      });
      expect(body).toMatchObject({ shapes: ['camel-telemetry'], notes: [] });
    });
  }

  it('v2: exchanges, failures and latency per route, and time per processor', async () => {
    const { items } = await get('route-metrics?app=v2');
    expect(items.map((r: { routeId: string }) => r.routeId)).toEqual([
      'direct://validate',
      'orders',
      'seda://audit',
    ]);
    const orders = items[1];
    expect(orders).toMatchObject({
      uri: 'platform-http://orders',
      exchanges: 2,
      failures: 1,
      errorRate: 0.5,
    });
    expect(orders.p50Ms).toBeGreaterThanOrEqual(100);
    expect(orders.series.reduce((n: number, m: { exchanges: number }) => n + m.exchanges, 0)).toBe(2);
    expect(orders.processors).toMatchObject([{ processor: 'to1-to', calls: 2, failures: 0, totalMs: 40 }]);
    expect((await get('route-metrics?app=v2&routeId=orders')).items).toHaveLength(1);
    expect((await get('route-metrics?app=v2&routeId=seda://audit')).items).toHaveLength(1);
  });

  it('v1 (camel.uri and kinds): the sub-route carrying the caller id is its own route, linked route to route', async () => {
    const body = await get('topology?app=v1');
    const route = (uri: string) => `route:dev/v1/${uri}`;
    expect(Object.keys(edgesOf(body)).sort()).toEqual([
      `${route('direct://validate')} -> endpoint:log://validated`,
      `${route('platform-http://orders')} -> endpoint:http://inventory:8080/reserve`,
      `${route('platform-http://orders')} -> ${route('direct://validate')}`,
    ]);
    const routes = body.nodes.filter((n: { type: string }) => n.type === 'route');
    expect(routes.map((n: { uri: string; routeId: string }) => [n.uri, n.routeId]).sort()).toEqual([
      ['direct://validate', ''],
      ['platform-http://orders', 'orders'],
    ]);
    expect(body.shapes).toEqual(['camel-tracing']);
    const { items } = await get('route-metrics?app=v1');
    expect(items).toMatchObject([
      { routeId: 'direct://validate', exchanges: 2 },
      { routeId: 'orders', exchanges: 2, failures: 1 },
    ]);
  });

  it('the camel.route.id-only shape (no camel.uri) keeps working through the per-span view', async () => {
    const body = await get('topology?app=id-only');
    expect(body.shapes).toEqual(['route-id']);
    expect(body.nodes.filter((n: { type: string }) => n.type === 'route')).toHaveLength(1);
    // Without camel.uri nothing tells the sub-route's entries from the caller's: they count under it.
    expect((await get('route-metrics?app=id-only')).items).toMatchObject([
      { routeId: 'orders', exchanges: 4 },
    ]);
  });

  it('Java agent: routes by consumer, route-in-route links, and a note that ids and internal hops are missing', async () => {
    const body = await get('topology?app=agent');
    const route = (uri: string) => `route:dev/agent/${uri}`;
    expect(Object.keys(edgesOf(body)).sort()).toEqual([
      `${route('http://orders:8080/orders')} -> endpoint:http://inventory:8080/reserve`,
      `${route('http://orders:8080/orders')} -> ${route('audit')}`,
      `${route('http://orders:8080/orders')} -> ${route('validate')}`,
      `${route('validate')} -> endpoint:log`,
    ]);
    expect(body.shapes).toEqual(['java-agent']);
    expect(body.notes).toHaveLength(1);
    expect(body.notes[0]).toMatch(/route ids and internal hops/);
    const { items } = await get('route-metrics?app=agent');
    expect(items.map((r: { routeId: string }) => r.routeId)).toEqual([
      'audit',
      'http://orders:8080/orders',
      'validate',
    ]);
  });
});
