import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../test/fixtures.ts';
import { seedTenantResources } from '../../test/tenant-resources.ts';
import { withTenant } from '../db/client.ts';
import { deployments, usageEvents } from '../db/schema/index.ts';
import { recordAppHours } from './usage.ts';

describe.each(databaseKinds)('usage events on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let ids: Awaited<ReturnType<typeof seedTenantResources>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('metered');
    ids = await seedTenantResources(edge, t, 'metered');
  });
  afterAll(() => edge.close());

  const events = () =>
    withTenant(edge.db, t.id, (tx) =>
      tx.select().from(usageEvents).where(eq(usageEvents.tenantId, t.id)).orderBy(usageEvents.timestamp),
    );

  it('records a runner registration and a deployment in the shape of Lago events', async () => {
    const rows = await events();
    expect(rows.map((r) => r.code).sort()).toEqual(['deployments', 'runners']);
    const deployment = rows.find((r) => r.code === 'deployments');
    expect(deployment).toMatchObject({
      transactionId: `deployment:${ids.deploymentId}`,
      externalCustomerId: t.id,
      externalSubscriptionId: t.id,
      properties: { deployment_id: ids.deploymentId, app_id: ids.app, environment: 'dev' },
    });
    expect(rows.find((r) => r.code === 'runners')?.transactionId).toBe(`runner:${ids.runnerId}`);
  });

  it('counts each running deployment once per hour however often the sweep runs', async () => {
    await withTenant(edge.db, t.id, (tx) =>
      tx.update(deployments).set({ state: 'RUNNING' }).where(eq(deployments.id, ids.deploymentId)),
    );
    await recordAppHours(edge.db, edge.clock);
    await recordAppHours(edge.db, edge.clock);
    const hours = async () => (await events()).filter((r) => r.code === 'app_hours');
    expect(await hours()).toHaveLength(1);
    edge.clock.advance(3_600_000);
    try {
      await recordAppHours(edge.db, edge.clock);
      const rows = await hours();
      expect(rows).toHaveLength(2);
      expect(rows[0]?.properties).toMatchObject({ deployment_id: ids.deploymentId, hours: 1 });
      expect(rows[0]?.timestamp.getUTCMinutes()).toBe(0);
    } finally {
      edge.clock.advance(-3_600_000);
    }
  });

  it('shows no tenant the usage of another', async () => {
    const other = await edge.tenant('other-metered');
    const seen = await withTenant(edge.db, other.id, (tx) =>
      tx.execute(sql`select count(*)::int as n from usage_events`),
    );
    expect((seen as unknown as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0);
  });
});
