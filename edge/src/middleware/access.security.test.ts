import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, databaseKinds, type TestEdge } from '../../test/fixtures.ts';
import { withTenant } from '../db/client.ts';
import { apiTokens } from '../db/schema/api-tokens.ts';
import { tenants } from '../db/schema/tenants.ts';

// The auth cache keeps principals and active tenants for at most this long (edge/test/fixtures.ts, as in production).
const cacheBoundMs = 30_000;

describe.each(databaseKinds)('cached tenants and credentials stop working in time, on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());
  const apps = (slug: string, token: string) => edge.request(`/api/tenants/${slug}/apps`, { token });

  it('a tenant deleted through the API answers 404 at once, by slug and by id', async () => {
    const t = await edge.tenant('gone-now');
    expect((await apps(t.slug, t.tokens.viewer)).status).toBe(200);
    expect((await apps(t.id, t.tokens.viewer)).status).toBe(200);
    const deleted = await edge.request(`/api/tenants/${t.slug}`, { method: 'DELETE', token: adminToken });
    expect(deleted.status).toBe(204);
    expect((await apps(t.slug, t.tokens.viewer)).status).toBe(404);
    expect((await apps(t.id, t.tokens.viewer)).status).toBe(404);
  });

  it('a tenant deleted behind the cache (another edge instance) answers 404 within the bound', async () => {
    const t = await edge.tenant('gone-later');
    expect((await apps(t.slug, t.tokens.viewer)).status).toBe(200);
    await edge.db.update(tenants).set({ status: 'deleted' }).where(eq(tenants.id, t.id));
    edge.clock.advance(cacheBoundMs + 1);
    expect((await apps(t.slug, t.tokens.viewer)).status).toBe(404);
  });

  it('an API token revoked behind the cache stops working within the bound', async () => {
    const t = await edge.tenant('revoked-later');
    const minted = (await (
      await edge.request(`/api/tenants/${t.slug}/api-tokens`, {
        method: 'POST',
        token: t.tokens.owner,
        json: { name: 'doomed', role: 'viewer' },
      })
    ).json()) as { id: string; secret: string };
    expect((await apps(t.slug, minted.secret)).status).toBe(200);
    const revoked = await withTenant(edge.db, t.id, (tx) =>
      tx
        .update(apiTokens)
        .set({ revokedAt: edge.clock.now() })
        .where(eq(apiTokens.id, minted.id))
        .returning(),
    );
    expect(revoked).toHaveLength(1);
    edge.clock.advance(cacheBoundMs + 1);
    expect((await apps(t.slug, minted.secret)).status).toBe(401);
  });
});
