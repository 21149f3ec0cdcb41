import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  createTestEdge,
  databaseKinds,
  registerTestRunner,
  type TestEdge,
} from '../../../test/fixtures.ts';

type TierUsage = {
  tier: { name: string; limits: Record<string, number> };
  usage: { apps: number; runners: number; environments: number };
};

describe.each(databaseKinds)('tier and usage on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());

  it("counts the tenant's apps, live runners and environments beside its tier's limits", async () => {
    const t = await edge.tenant('usage');
    const other = await edge.tenant('usage-other');
    expect(
      (
        await edge.request(`/api/tenants/${t.slug}/tier`, {
          method: 'PUT',
          token: adminToken,
          json: { tier: 'mid' },
        })
      ).status,
    ).toBe(200);
    const before = (await (
      await edge.request(`/api/tenants/${t.slug}/tier`, { token: t.tokens.viewer })
    ).json()) as TierUsage;
    for (const name of ['u1', 'u2'])
      expect(
        (
          await edge.request(`/api/tenants/${t.slug}/apps`, {
            method: 'POST',
            token: t.tokens.owner,
            json: { name },
          })
        ).status,
      ).toBe(201);
    const kept = await registerTestRunner(edge, t, 'kept');
    const revoked = await registerTestRunner(edge, t, 'gone');
    await edge.request(`/api/tenants/${t.slug}/runners/${revoked.runnerId}`, {
      method: 'DELETE',
      token: t.tokens.admin,
    });
    await edge.request(`/api/tenants/${other.slug}/apps`, {
      method: 'POST',
      token: other.tokens.owner,
      json: { name: 'elsewhere' },
    });

    const res = await edge.request(`/api/tenants/${t.slug}/tier`, { token: t.tokens.viewer });
    expect(res.status).toBe(200);
    const body = (await res.json()) as TierUsage;
    expect(body.tier.name).toBe('mid');
    expect(body.tier.limits).toMatchObject({ apps: 10, runners: 3, environments: 2, retentionDays: 30 });
    expect(body.usage).toEqual({
      apps: before.usage.apps + 2,
      runners: before.usage.runners + 1,
      environments: before.usage.environments,
    });
    expect(kept.runnerId).toBeTruthy();
  });

  it('answers 404 for a tenant the caller is not a member of', async () => {
    const a = await edge.tenant('usage-a');
    const b = await edge.tenant('usage-b');
    expect((await edge.request(`/api/tenants/${b.slug}/tier`, { token: a.tokens.owner })).status).toBe(404);
  });
});
