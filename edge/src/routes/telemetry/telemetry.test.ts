import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../test/clickhouse.ts';
import { createTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import {
  at,
  insertRows,
  scopeOf,
  seedTelemetry,
  spanRow,
  traceIdOf,
} from '../../../test/telemetry-fixture.ts';
import { clickhouseTelemetryStore } from '../../telemetry/store.ts';

// Telemetry lives in ClickHouse; PostgreSQL only authorises the request here, so PGlite is enough.
describe('observability API', () => {
  let clickhouse: TestClickHouse;
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let ids: Awaited<ReturnType<typeof seedTelemetry>>;

  beforeAll(async () => {
    [clickhouse, edge] = await Promise.all([startTestClickHouse(), createTestEdge('pglite')]);
    t = await edge.tenant('acme');
    ids = await seedTelemetry(clickhouse.client, t.id, Date.now(), 'acme-mark');
    edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await clickhouse?.close();
  });

  const get = async (path: string, token = t.tokens.viewer) => {
    const res = await edge.request(`/api/tenants/acme/telemetry/${path}`, { token });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads the JSON it asserts on
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
  };

  it('searches logs: last hour by default, newest first, by level, text, app, and page by page', async () => {
    const all = await get('logs');
    expect(all.status).toBe(200);
    expect(all.body.items.map((r: { body: string }) => r.body)).toEqual([
      'invoice sent acme-mark',
      'slow query acme-mark',
      'Kafka send failed acme-mark',
      'order accepted acme-mark',
    ]);
    expect(all.body.items[1]).toMatchObject({
      app: 'orders',
      environment: 'dev',
      level: 'warn',
      scope: 'cameleer.stderr',
    });
    expect(
      (await get('logs?level=warn&app=orders')).body.items.map((r: { level: string }) => r.level),
    ).toEqual(['warn', 'error']);
    expect((await get('logs?text=KAFKA%20SEND')).body.items).toMatchObject([{ traceId: ids.failed }]);
    expect((await get('logs?app=billing&environment=dev')).body.items).toHaveLength(1);
    expect((await get('logs?environment=prod')).body.items).toEqual([]);
    const from = new Date(Date.now() - 4 * 3_600_000).toISOString();
    expect((await get(`logs?from=${from}`)).body.items).toHaveLength(5);

    const pages: string[] = [];
    let cursor = '';
    for (let i = 0; i < 5; i++) {
      const page = await get(`logs?limit=2${cursor}`);
      pages.push(...page.body.items.map((r: { body: string }) => r.body));
      if (!page.body.next) break;
      cursor = `&cursor=${page.body.next}`;
    }
    expect(pages).toEqual(all.body.items.map((r: { body: string }) => r.body));
  });

  it('lists traces with their root, duration, span count and error flag; filters by status and duration', async () => {
    const { status, body } = await get('traces?app=orders&environment=dev');
    expect(status).toBe(200);
    expect(body.items).toMatchObject([
      {
        traceId: ids.failed,
        name: 'rest-orders',
        app: 'orders',
        durationMs: 250,
        spanCount: 2,
        errorCount: 1,
        error: true,
      },
      { traceId: ids.ok, name: 'rest-orders', durationMs: 120, spanCount: 3, errorCount: 0, error: false },
    ]);
    expect((await get('traces?status=error')).body.items.map((i: { traceId: string }) => i.traceId)).toEqual([
      ids.failed,
    ]);
    expect((await get('traces?status=ok')).body.items.map((i: { traceId: string }) => i.traceId)).toEqual([
      ids.consumed,
      ids.ok,
    ]);
    expect((await get('traces?minDurationMs=200')).body.items).toHaveLength(1);
    expect((await get('traces?limit=1')).body.items).toMatchObject([{ traceId: ids.consumed }]);
  });

  it('shows a trace as a span tree', async () => {
    const { status, body } = await get(`traces/${ids.ok}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ traceId: ids.ok, spanCount: 3, errorCount: 0, durationMs: 120 });
    expect(body.roots).toHaveLength(1);
    const [root] = body.roots;
    expect(root).toMatchObject({ name: 'rest-orders', kind: 'Server', offsetMs: 0, status: { code: 'Ok' } });
    expect(root.attributes['camel.uri']).toBe('platform-http:/orders');
    expect(root.children.map((c: { name: string; offsetMs: number }) => [c.name, c.offsetMs])).toEqual([
      ['kafka:orders', 1],
      ['sql:insert', 2],
    ]);
    // Spans whose parents form a cycle (a broken or hostile agent) still appear, each once.
    const cyclic = traceIdOf(t.id, 'cyclic');
    const scope = scopeOf(t.id, 'orders');
    const span = (SpanId: string, ParentSpanId: string, ms: number) =>
      spanRow(scope, {
        TraceId: cyclic,
        SpanId,
        ParentSpanId,
        SpanName: SpanId,
        Timestamp: at(Date.now() - ms),
      });
    await insertRows(clickhouse.client, 'otel_traces', [
      span('root', '', 3000),
      span('a', 'b', 2000),
      span('b', 'a', 1000),
    ]);
    const tree = (await get(`traces/${cyclic}`)).body;
    const names = (nodes: Array<{ name: string; children: unknown[] }>): string[] =>
      nodes.flatMap((n) => [n.name, ...names(n.children as typeof nodes)]);
    expect(names(tree.roots).sort()).toEqual(['a', 'b', 'root']);
    expect(tree.roots.map((r: { name: string }) => r.name)).toEqual(['root', 'a']);

    const missing = await get('traces/0123456789abcdef0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.type).toBe('application/problem+json');
  });

  it('derives the Camel route topology with calls, error rate and latency per edge', async () => {
    const { body } = await get('topology?app=orders&environment=dev');
    const edges = Object.fromEntries(
      body.edges.map((e: { from: string; to: string }) => [`${e.from} -> ${e.to}`, e]),
    );
    // camel-opentelemetry v1 spans (camel.uri, SERVER/CLIENT): the route is named by its from URI.
    const route = 'route:dev/orders/platform-http:/orders';
    expect(Object.keys(edges).sort()).toEqual([
      `${route} -> endpoint:kafka:orders`,
      `${route} -> endpoint:sql:insert`,
    ]);
    expect(edges[`${route} -> endpoint:kafka:orders`]).toMatchObject({
      direction: 'to',
      calls: 2,
      failures: 1,
      errorRate: 0.5,
    });
    const node = body.nodes.find((n: { id: string }) => n.id === route);
    expect(node).toMatchObject({ routeId: 'rest-orders', exchanges: 2, failures: 0 });
    expect(body.nodes).toHaveLength(3);
    // The shared endpoint links the two apps when no app is named.
    const all = await get('topology');
    expect(all.body.edges.filter((e: { endpoint: string }) => e.endpoint === 'kafka:orders')).toHaveLength(2);
  });

  it('gives exchanges, failures and latency per route, in total and per minute', async () => {
    const { body } = await get('route-metrics?environment=dev');
    expect(body.items.map((r: { app: string; routeId: string }) => `${r.app}/${r.routeId}`)).toEqual([
      'billing/bill',
      'orders/rest-orders',
    ]);
    const orders = body.items[1];
    expect(orders).toMatchObject({ exchanges: 2, failures: 0 });
    expect(orders.series.reduce((n: number, m: { exchanges: number }) => n + m.exchanges, 0)).toBe(2);
    expect(orders.series[0].minute).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect((await get('route-metrics?routeId=bill')).body.items).toHaveLength(1);
  });

  it('answers 400 with problem+json for invalid parameters', async () => {
    for (const path of [
      'logs?level=loud',
      'logs?limit=0',
      'logs?cursor=not-a-cursor',
      'logs?from=yesterday',
      `logs?from=${new Date().toISOString()}&to=${new Date(Date.now() - 1000).toISOString()}`,
      'traces?status=maybe',
      'traces?minDurationMs=-1',
      'traces/not-hex',
      'topology?unknown=1',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.type, path).toBe('application/problem+json');
    }
  });

  it('answers 503 when no ClickHouse is configured, and when it cannot be reached', async () => {
    const store = edge.services.telemetry;
    edge.services.telemetry = undefined;
    try {
      const res = await get('traces');
      expect(res.status).toBe(503);
      expect(res.body.type).toMatch(/unavailable$/);
    } finally {
      edge.services.telemetry = store;
    }
    await clickhouse.stop();
    try {
      expect((await get('topology')).status).toBe(503);
    } finally {
      await clickhouse.start();
    }
    expect((await get('topology')).status).toBe(200);
  });
});
