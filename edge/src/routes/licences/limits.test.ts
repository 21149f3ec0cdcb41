import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  createTestEdge,
  databaseKinds,
  registerTestRunner,
  type TestEdge,
  tableCounts,
} from '../../../test/fixtures.ts';

type Problem = {
  type: string;
  detail: string;
  limit: string;
  tier: string;
  allowed: unknown;
  upgradeTo?: string;
};

describe.each(databaseKinds)('tier limits on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());

  async function tenantOnTier(slug: string, tier: 'low' | 'mid' | 'high') {
    const t = await edge.tenant(slug);
    const res = await edge.request(`/api/tenants/${slug}/tier`, {
      method: 'PUT',
      token: adminToken,
      json: { tier },
    });
    expect(res.status).toBe(200);
    return t;
  }

  const createApp = (slug: string, token: string, json: Record<string, unknown>) =>
    edge.request(`/api/tenants/${slug}/apps`, { method: 'POST', token, json });

  it('refuses the app past the limit with a problem naming the limit, the tier and the upgrade, writing nothing', async () => {
    const t = await tenantOnTier('low-apps', 'low');
    for (const name of ['a1', 'a2', 'a3'])
      expect((await createApp(t.slug, t.tokens.owner, { name })).status).toBe(201);
    const before = await tableCounts(edge.db, t.id);
    const refused = await createApp(t.slug, t.tokens.owner, { name: 'a4' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await refused.json()) as Problem;
    expect(problem).toMatchObject({ limit: 'apps', tier: 'low', allowed: 3, upgradeTo: 'mid' });
    expect(problem.type).toMatch(/limit-exceeded$/);
    expect(problem.detail).toMatch(/3 of 3 apps.*tier low.*upgrade the tenant to the mid tier/);
    expect(await tableCounts(edge.db, t.id)).toEqual(before);
  });

  it('creates exactly one app when 20 parallel requests race for the last slot', async () => {
    const t = await tenantOnTier('low-race', 'low');
    for (const name of ['r1', 'r2'])
      expect((await createApp(t.slug, t.tokens.owner, { name })).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createApp(t.slug, t.tokens.owner, { name: `race-${i}` })),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 403)).toHaveLength(19);
    expect((await tableCounts(edge.db, t.id)).apps).toBe(3);
  });

  it("refuses memory above the tier's limit on create and update", async () => {
    const t = await tenantOnTier('low-mem', 'low');
    const big = await createApp(t.slug, t.tokens.owner, { name: 'big', memoryMb: 1024 });
    expect(big.status).toBe(403);
    expect(await big.json()).toMatchObject({ limit: 'memoryMbPerApp', tier: 'low', allowed: 512 });
    expect((await createApp(t.slug, t.tokens.owner, { name: 'small', memoryMb: 512 })).status).toBe(201);
    const grow = await edge.request(`/api/tenants/${t.slug}/apps/small`, {
      method: 'PATCH',
      token: t.tokens.owner,
      json: { memoryMb: 4096 },
    });
    expect(grow.status).toBe(403);
  });

  it('refuses environments the tier does not have, and deployments to them', async () => {
    const t = await tenantOnTier('mid-envs', 'mid');
    const qa = await edge.request(`/api/tenants/${t.slug}/environments`, {
      method: 'POST',
      token: t.tokens.owner,
      json: { name: 'qa' },
    });
    expect(qa.status).toBe(403);
    expect(await qa.json()).toMatchObject({ limit: 'environments', tier: 'mid', upgradeTo: 'high' });
    expect((await createApp(t.slug, t.tokens.owner, { name: 'svc' })).status).toBe(201);
    // The fixture made dev, staging and prod; staging is not part of mid.
    const deploy = await edge.request(`/api/tenants/${t.slug}/apps/svc/deployments`, {
      method: 'POST',
      token: t.tokens.owner,
      json: { environment: 'staging' },
    });
    expect(deploy.status).toBe(403);
    expect(await deploy.json()).toMatchObject({ limit: 'environments', tier: 'mid' });
  });

  it('refuses runner tokens and registrations past the runner limit', async () => {
    const t = await tenantOnTier('low-runners', 'low');
    await registerTestRunner(edge, t, 'only');
    const token = await edge.request(`/api/tenants/${t.slug}/runner-tokens`, {
      method: 'POST',
      token: t.tokens.admin,
      json: {},
    });
    expect(token.status).toBe(403);
    expect(await token.json()).toMatchObject({ limit: 'runners', tier: 'low', allowed: 1 });
    // A token made on a higher tier cannot register once the tier is lower.
    await edge.request(`/api/tenants/${t.slug}/tier`, {
      method: 'PUT',
      token: adminToken,
      json: { tier: 'mid' },
    });
    const spare = await edge.request(`/api/tenants/${t.slug}/runner-tokens`, {
      method: 'POST',
      token: t.tokens.admin,
      json: {},
    });
    expect(spare.status).toBe(201);
    await edge.request(`/api/tenants/${t.slug}/tier`, {
      method: 'PUT',
      token: adminToken,
      json: { tier: 'low' },
    });
    const { token: spareToken } = (await spare.json()) as { token: string };
    const second = await edge.request('/api/runners/register', {
      method: 'POST',
      json: {
        token: spareToken,
        name: 'second',
        publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
        version: 'test',
        capabilities: ['process'],
      },
    });
    expect(second.status).toBe(403);
    expect(await second.json()).toMatchObject({ limit: 'runners', tier: 'low' });
    expect((await tableCounts(edge.db, t.id)).runners).toBe(1);
  });

  it('refuses features the tier lacks (promote, secrets) with the tier that has them, writing nothing', async () => {
    const t = await tenantOnTier('low-features', 'low');
    expect((await createApp(t.slug, t.tokens.owner, { name: 'orders' })).status).toBe(201);
    const before = await tableCounts(edge.db, t.id);
    const promote = await edge.request(`/api/tenants/${t.slug}/apps/orders/promote`, {
      method: 'POST',
      token: t.tokens.owner,
      json: { from: 'prod', to: 'prod' },
    });
    expect(promote.status).toBe(403);
    expect((await promote.json()) as Problem).toMatchObject({
      limit: 'feature:promote',
      tier: 'low',
      upgradeTo: 'mid',
    });
    const secret = await edge.request(`/api/tenants/${t.slug}/config/DB_PASSWORD`, {
      method: 'PUT',
      token: t.tokens.owner,
      json: { value: 'hunter2', secret: true },
    });
    expect(secret.status).toBe(403);
    expect((await secret.json()) as Problem).toMatchObject({ limit: 'feature:secrets', upgradeTo: 'mid' });
    const plain = await edge.request(`/api/tenants/${t.slug}/config/LOG_LEVEL`, {
      method: 'PUT',
      token: t.tokens.owner,
      json: { value: 'info' },
    });
    expect(plain.status).toBe(201);
    const after = await tableCounts(edge.db, t.id);
    // Only the plain value (and its audit entry) was written.
    expect(after.config_entries).toBe((before.config_entries ?? 0) + 1);
    expect({ ...after, config_entries: before.config_entries, audit_success: before.audit_success }).toEqual(
      before,
    );
  });

  it('lets the highest tier keep the newcomer path: dev, staging, prod and several apps', async () => {
    const t = await edge.tenant('newcomer');
    for (const name of ['one', 'two', 'three', 'four', 'five'])
      expect((await createApp(t.slug, t.tokens.developer, { name })).status).toBe(201);
    const licence = (await (
      await edge.request(`/api/tenants/${t.slug}/licence`, { token: t.tokens.viewer })
    ).json()) as {
      tier: { name: string; environments: string[] };
    };
    expect(licence.tier).toMatchObject({ name: 'high', environments: ['dev', 'staging', 'prod'] });
  });
});
