import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';

type Tenant = { id: string; slug: string; name: string; oidcOrganizationId: string | null };

describe.each(databaseKinds)('tenants on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());

  const admin = { token: adminToken };

  it('creates a tenant with chosen environments and an owner, in one step', async () => {
    const res = await edge.request('/api/tenants', {
      method: 'POST',
      ...admin,
      json: {
        slug: 'initech',
        name: 'Initech',
        environments: ['dev', 'prod'],
        owner: { issuer: 'https://id.example', subject: 'peter' },
      },
    });
    expect(res.status).toBe(201);
    const tenant = (await res.json()) as Tenant;
    expect(tenant).toMatchObject({ slug: 'initech', name: 'Initech', id: expect.stringMatching(/^tnt_/) });
    const t = await edge.tenant('initech-2');
    const envs = (await (
      await edge.request('/api/tenants/initech-2/environments', { token: t.tokens.viewer })
    ).json()) as { items: Array<{ name: string }> };
    expect(envs.items.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    expect(
      (
        await edge.request('/api/tenants', {
          method: 'POST',
          ...admin,
          json: { slug: 'initech', name: 'again' },
        })
      ).status,
    ).toBe(409);
  });

  it('lists every tenant to platform admins and only their own to others', async () => {
    const t = await edge.tenant('listed');
    const all = (await (await edge.request('/api/tenants', admin)).json()) as { items: Tenant[] };
    expect(all.items.map((x) => x.slug)).toEqual(expect.arrayContaining(['default', 'initech', 'listed']));
    const own = (await (await edge.request('/api/tenants', { token: t.tokens.viewer })).json()) as {
      items: Tenant[];
    };
    expect(own.items.map((x) => x.slug)).toEqual(['listed']);
  });

  it('lets owners rename and map an OIDC organization, and admins delete (softly, at once)', async () => {
    const t = await edge.tenant('doomed');
    const renamed = await edge.request('/api/tenants/doomed', {
      method: 'PATCH',
      token: t.tokens.owner,
      json: { name: 'Doomed Inc', oidcOrganizationId: 'org_42' },
    });
    expect((await renamed.json()) as Tenant).toMatchObject({
      name: 'Doomed Inc',
      oidcOrganizationId: 'org_42',
    });
    expect(
      (await edge.request('/api/tenants/doomed', { method: 'DELETE', token: t.tokens.owner })).status,
    ).toBe(403);
    expect((await edge.request('/api/tenants/doomed', { method: 'DELETE', ...admin })).status).toBe(204);
    expect((await edge.request('/api/tenants/doomed/apps', { token: t.tokens.owner })).status).toBe(404);
    expect((await edge.request('/api/tenants/doomed', admin)).status).toBe(404);
  });

  it('pages through the audit log newest first', async () => {
    const t = await edge.tenant('paged');
    for (const name of ['a1', 'a2', 'a3']) {
      await edge.request('/api/tenants/paged/apps', {
        method: 'POST',
        token: t.tokens.developer,
        json: { name },
      });
    }
    const first = (await (
      await edge.request('/api/tenants/paged/audit-log?limit=2&action=app.create', { token: t.tokens.admin })
    ).json()) as {
      items: Array<{ id: string; action: string; actor: { type: string } }>;
      next: string | null;
    };
    expect(first.items).toHaveLength(2);
    expect(first.items[0]?.actor.type).toBe('api-token');
    const second = (await (
      await edge.request(`/api/tenants/paged/audit-log?limit=2&action=app.create&before=${first.next}`, {
        token: t.tokens.admin,
      })
    ).json()) as {
      items: Array<{ id: string }>;
      next: string | null;
    };
    expect(second.items).toHaveLength(1);
    expect(second.next).toBeNull();
    const ids = [...first.items, ...second.items].map((i) => i.id);
    expect(ids).toEqual([...ids].sort().reverse());
  });
});
