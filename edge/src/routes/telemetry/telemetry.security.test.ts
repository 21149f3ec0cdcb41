import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../test/clickhouse.ts';
import { createTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { seedTelemetry } from '../../../test/telemetry-fixture.ts';
import { clickhouseTelemetryStore } from '../../telemetry/store.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;

// Both tenants run apps of the same names in environments of the same names: only the tenant
// bound from the route may tell their rows apart.
describe('observability API tenant isolation', () => {
  let clickhouse: TestClickHouse;
  let edge: TestEdge;
  let a: Tenant;
  let b: Tenant;
  let aTraces: Awaited<ReturnType<typeof seedTelemetry>>;

  beforeAll(async () => {
    [clickhouse, edge] = await Promise.all([startTestClickHouse(), createTestEdge('pglite')]);
    a = await edge.tenant('tenant-a');
    b = await edge.tenant('tenant-b');
    const now = Date.now();
    aTraces = await seedTelemetry(clickhouse.client, a.id, now, 'alpha-secret');
    await seedTelemetry(clickhouse.client, b.id, now, 'bravo-own');
    edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await clickhouse?.close();
  });

  const hostile = ["orders' OR 1=1 --", "x') OR TenantId != '' --", 'orders\\', '%', ''];

  it("never shows tenant A's rows to tenant B, whatever the parameters", async () => {
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const paths: string[] = [];
    for (const question of ['logs', 'traces', 'topology', 'route-metrics']) {
      paths.push(question, `${question}?from=${from}`, `${question}?app=orders&environment=dev&from=${from}`);
      for (const value of hostile) {
        const v = encodeURIComponent(value);
        paths.push(`${question}?app=${v}`, `${question}?environment=${v}&from=${from}`);
      }
    }
    paths.push('logs?text=alpha-secret', 'logs?text=%25', `logs?text=${encodeURIComponent("' OR 1=1 --")}`);
    paths.push(
      'route-metrics?routeId=rest-orders',
      `route-metrics?routeId=${encodeURIComponent("x' OR 1=1")}`,
    );
    let sawOwn = 0;
    for (const path of paths) {
      const res = await edge.request(`/api/tenants/${b.slug}/telemetry/${path}`, { token: b.tokens.owner });
      const text = await res.text();
      expect([200, 400], path).toContain(res.status);
      expect(text, path).not.toContain('alpha-secret');
      expect(text, path).not.toContain(a.id);
      for (const id of Object.values(aTraces)) expect(text, path).not.toContain(id);
      if (text.includes('bravo-own') || text.includes('rest-orders')) sawOwn += 1;
    }
    // The questions did answer, with B's own rows: the absence of A's is not an empty store.
    expect(sawOwn).toBeGreaterThan(10);
  });

  it("answers 404 for A's trace ids asked by B, and lets A read them", async () => {
    for (const id of Object.values(aTraces)) {
      const asB = await edge.request(`/api/tenants/${b.slug}/telemetry/traces/${id}`, {
        token: b.tokens.owner,
      });
      expect(asB.status).toBe(404);
      expect(await asB.text()).not.toContain('alpha-secret');
      const asA = await edge.request(`/api/tenants/${a.slug}/telemetry/traces/${id}`, {
        token: a.tokens.viewer,
      });
      expect(asA.status).toBe(200);
    }
  });

  it("answers 404 when B names A's tenant, by slug or id", async () => {
    for (const tenant of [a.slug, a.id]) {
      for (const path of ['logs', 'traces', `traces/${aTraces.ok}`, 'topology', 'route-metrics']) {
        const res = await edge.request(`/api/tenants/${tenant}/telemetry/${path}`, { token: b.tokens.owner });
        expect(res.status, path).toBe(404);
        expect(await res.text()).not.toContain('alpha-secret');
      }
    }
  });

  it('refuses a tenant named in the query string instead of ignoring it silently', async () => {
    for (const name of ['tenant', 'tenantId', 'TenantId']) {
      const res = await edge.request(`/api/tenants/${b.slug}/telemetry/logs?${name}=${a.id}`, {
        token: b.tokens.owner,
      });
      expect(res.status, name).toBe(400);
    }
  });
});
