import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, type TestEdge } from '../../../test/fixtures.ts';

describe('configuration drift across tenants', () => {
  let edge: TestEdge;
  let a: Awaited<ReturnType<TestEdge['tenant']>>;
  let b: Awaited<ReturnType<TestEdge['tenant']>>;

  const digestOf = async () =>
    (
      (await (
        await edge.request('/api/tenants/alpha/apps/orders/config/resolved?environment=dev', {
          token: a.tokens.viewer,
        })
      ).json()) as { digest: string }
    ).digest;

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    a = await edge.tenant('alpha');
    b = await edge.tenant('beta');
    for (const [slug, token] of [
      ['alpha', a.tokens.developer],
      ['beta', b.tokens.developer],
    ] as const)
      await edge.request(`/api/tenants/${slug}/apps`, { method: 'POST', token, json: { name: 'orders' } });
  });
  afterAll(() => edge.close());

  it("is unaffected by another tenant's configuration of an app with the same name", async () => {
    const before = await digestOf();
    for (const layer of ['', '?app=orders', '?app=orders&environment=dev'])
      expect(
        (
          await edge.request(`/api/tenants/beta/config/GREETING${layer}`, {
            method: 'PUT',
            token: b.tokens.developer,
            json: { value: 'beta' },
          })
        ).status,
      ).toBe(201);
    expect(await digestOf()).toBe(before);
  });

  it("answers 404 for another tenant's app named by its id, and refuses another tenant's path", async () => {
    const app = (await (
      await edge.request('/api/tenants/alpha/apps/orders', { token: a.tokens.viewer })
    ).json()) as { id: string };
    const byId = await edge.request(`/api/tenants/beta/apps/${app.id}/config/resolved?environment=dev`, {
      token: b.tokens.viewer,
    });
    expect(byId.status).toBe(404);
    const foreign = await edge.request('/api/tenants/alpha/apps/orders/config/resolved?environment=dev', {
      token: b.tokens.viewer,
    });
    expect([403, 404]).toContain(foreign.status);
    expect(JSON.stringify(await foreign.json())).not.toContain('digest');
  });
});
