import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../test/clickhouse.ts';
import { createTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { clickhouseTelemetryStore } from '../../telemetry/store.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;

/** One stored failed exchange of `tenantId`, as the runner's pipeline writes it. */
function row(tenantId: string, exchangeId: string, body: string) {
  const at = new Date(Date.now() - 60_000).toISOString().replace('T', ' ').replace('Z', '000000');
  return {
    TenantId: tenantId,
    Environment: 'dev',
    App: 'orders',
    DeploymentId: 'dep_gone',
    RetentionDays: 30,
    Timestamp: at,
    ExchangeId: exchangeId,
    RouteId: 'orders',
    FromUri: 'platform-http:/orders',
    FailedEndpoint: 'direct://validate',
    ExceptionType: 'io.cameleer.sample.OrderRoutes$ExchangeFailed',
    ExceptionMessage: 'rejected',
    StackTrace: '',
    Headers: { 'content-type': 'application/json' },
    HeadersTruncated: 0,
    Body: body,
    BodyTruncated: 0,
    BodySize: body.length,
    Redactions: 0,
    TraceId: '',
    SpanId: '',
    ReplayOf: '',
  };
}

// Both tenants have an exchange of the same app, environment and route: only the route's tenant tells them apart.
describe('failed exchanges: tenant isolation and the replay permission', () => {
  let clickhouse: TestClickHouse;
  let edge: TestEdge;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    [clickhouse, edge] = await Promise.all([startTestClickHouse(), createTestEdge('pglite')]);
    a = await edge.tenant('fx-a');
    b = await edge.tenant('fx-b');
    await clickhouse.client.insert({
      table: 'failed_exchanges',
      values: [row(a.id, 'ID-a-1', 'alpha-own'), row(b.id, 'ID-b-1', 'bravo-own')],
      format: 'JSONEachRow',
    });
    edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await clickhouse?.close();
  });

  const as = (t: Tenant, role: 'viewer' | 'developer', path: string, method = 'GET') =>
    edge.request(`/api/tenants/${t.slug}/${path}`, { method, token: t.tokens[role] });

  it("never lists, shows or replays another tenant's exchange", async () => {
    const list = await as(b, 'viewer', 'failed-exchanges?app=orders&environment=dev');
    expect(list.status).toBe(200);
    const text = await list.text();
    expect(text).toContain('ID-b-1');
    expect(text).not.toContain('ID-a-1');
    expect((await as(b, 'viewer', 'failed-exchanges/ID-a-1')).status).toBe(404);
    expect((await as(b, 'developer', 'failed-exchanges/ID-a-1/replay', 'POST')).status).toBe(404);
    // The route's tenant wins over a filter that names nothing of its own.
    const hostile = await as(b, 'viewer', `failed-exchanges?route=${encodeURIComponent("x' OR 1=1 --")}`);
    expect(await hostile.json()).toEqual({ items: [] });
  });

  it('refuses a replay to a viewer, who may still read the exchange', async () => {
    const detail = await as(a, 'viewer', 'failed-exchanges/ID-a-1');
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ exchangeId: 'ID-a-1', body: 'alpha-own', replays: [] });
    const refused = await as(a, 'viewer', 'failed-exchanges/ID-a-1/replay', 'POST');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    // A developer gets past the permission: the deployment that captured it is gone, which is a conflict.
    const gone = await as(a, 'developer', 'failed-exchanges/ID-a-1/replay', 'POST');
    expect(gone.status).toBe(409);
  });
});
