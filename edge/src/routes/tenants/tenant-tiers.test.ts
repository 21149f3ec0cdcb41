import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  createTestEdge,
  databaseKinds,
  type TestEdge,
  tableCounts,
} from '../../../test/fixtures.ts';
import { withTenant } from '../../db/client.ts';
import { environments } from '../../db/schema/index.ts';

describe.each(databaseKinds)('tenant tiers at creation on %s', (kind) => {
  let edge: TestEdge;
  let witness: { id: string };
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    witness = await edge.tenant('witness');
  });
  afterAll(() => edge.close());

  const create = (json: Record<string, unknown>) =>
    edge.request('/api/tenants', {
      method: 'POST',
      token: adminToken,
      json: { name: 'T', owner: { issuer: 'https://id.example', subject: `owner-${json.slug}` }, ...json },
    });
  const environmentsOf = (tenantId: string) =>
    withTenant(edge.db, tenantId, (tx) =>
      tx
        .select({ name: environments.name })
        .from(environments)
        .where(eq(environments.tenantId, tenantId))
        .orderBy(asc(environments.createdAt), asc(environments.name)),
    ).then((rows) => rows.map((r) => r.name).sort());

  it("gives each tier its standard environments by default, and keeps today's default tier", async () => {
    for (const [tier, expected] of [
      ['low', ['prod']],
      ['mid', ['dev', 'prod']],
      ['high', ['dev', 'prod', 'staging']],
      [undefined, ['dev', 'prod', 'staging']],
    ] as const) {
      const slug = `tier-${tier ?? 'default'}`;
      const res = await create({ slug, ...(tier ? { tier } : {}) });
      expect(res.status, slug).toBe(201);
      const tenant = (await res.json()) as { id: string; tier: string };
      expect(tenant.tier, slug).toBe(tier ?? 'high');
      expect(await environmentsOf(tenant.id), slug).toEqual(expected);
      const listed = (await (await edge.request('/api/tenants', { token: adminToken })).json()) as {
        items: Array<{ slug: string; tier: string }>;
      };
      expect(listed.items.find((t) => t.slug === slug)?.tier, slug).toBe(tier ?? 'high');
    }
  });

  it('accepts an explicit list that fits the tier', async () => {
    const res = await create({ slug: 'mid-prod-only', tier: 'mid', environments: ['prod'] });
    expect(res.status).toBe(201);
    expect(await environmentsOf(((await res.json()) as { id: string }).id)).toEqual(['prod']);
    const custom = await create({ slug: 'high-custom', tier: 'high', environments: ['qa', 'prod'] });
    expect(custom.status).toBe(201);
  });

  it('refuses an unknown tier and lists that do not fit, naming the limit, with nothing written', async () => {
    const before = await tableCounts(edge.db, witness.id);
    const unknown = await create({ slug: 'gold', tier: 'gold' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);

    const cases = [
      {
        slug: 'low-dev',
        tier: 'low',
        environments: ['dev', 'prod'],
        allowed: 'prod',
        detail: /dev are not part/,
      },
      {
        slug: 'mid-qa',
        tier: 'mid',
        environments: ['dev', 'qa'],
        allowed: 'dev, prod',
        detail: /qa are not/,
      },
      {
        slug: 'high-many',
        tier: 'high',
        environments: Array.from({ length: 11 }, (_, i) => `env-${i}`),
        allowed: 10,
        detail: /11 environments asked for, the tier allows 10/,
      },
    ];
    for (const c of cases) {
      const res = await create({ slug: c.slug, tier: c.tier, environments: c.environments });
      expect(res.status, c.slug).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await res.json()) as {
        type: string;
        limit: string;
        tier: string;
        allowed: unknown;
        detail: string;
      };
      expect(problem, c.slug).toMatchObject({ limit: 'environments', tier: c.tier, allowed: c.allowed });
      expect(problem.type).toMatch(/limit-exceeded$/);
      expect(problem.detail).toMatch(c.detail);
    }
    const repeated = await create({ slug: 'twice', tier: 'high', environments: ['prod', 'prod'] });
    expect(repeated.status).toBe(400);

    expect(await tableCounts(edge.db, witness.id)).toEqual(before);
    const listed = (await (await edge.request('/api/tenants', { token: adminToken })).json()) as {
      items: Array<{ slug: string }>;
    };
    const slugs = listed.items.map((t) => t.slug);
    for (const slug of ['gold', 'low-dev', 'mid-qa', 'high-many', 'twice']) expect(slugs).not.toContain(slug);
  });
});
