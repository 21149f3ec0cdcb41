import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';

describe.each(databaseKinds)('apps on %s', (kind) => {
  let edge: TestEdge;
  let acme: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    acme = await edge.tenant('acme');
  });
  afterAll(() => edge.close());

  it('creates, lists, reads by name or id, updates and deletes an app', async () => {
    const token = acme.tokens.developer;
    const created = await edge.request('/api/tenants/acme/apps', {
      method: 'POST',
      token,
      json: { name: 'orders' },
    });
    expect(created.status).toBe(201);
    const app = (await created.json()) as { id: string; name: string };
    expect(app.id).toMatch(/^app_/);

    const list = (await (await edge.request('/api/tenants/acme/apps', { token })).json()) as {
      items: unknown[];
    };
    expect(list.items).toHaveLength(1);
    expect((await edge.request(`/api/tenants/acme/apps/${app.id}`, { token })).status).toBe(200);
    expect((await edge.request(`/api/tenants/${acme.id}/apps/orders`, { token })).status).toBe(200);

    const updated = await edge.request('/api/tenants/acme/apps/orders', {
      method: 'PATCH',
      token,
      json: { description: 'Order intake' },
    });
    expect(((await updated.json()) as { description: string }).description).toBe('Order intake');
    expect((await edge.request('/api/tenants/acme/apps/orders', { method: 'DELETE', token })).status).toBe(
      204,
    );
    expect((await edge.request('/api/tenants/acme/apps/orders', { token })).status).toBe(404);
  });

  it('refuses a viewer with 403 and a duplicate name with 409', async () => {
    const denied = await edge.request('/api/tenants/acme/apps', {
      method: 'POST',
      token: acme.tokens.viewer,
      json: { name: 'billing' },
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    const token = acme.tokens.developer;
    expect(
      (await edge.request('/api/tenants/acme/apps', { method: 'POST', token, json: { name: 'billing' } }))
        .status,
    ).toBe(201);
    expect(
      (await edge.request('/api/tenants/acme/apps', { method: 'POST', token, json: { name: 'billing' } }))
        .status,
    ).toBe(409);
  });
});
