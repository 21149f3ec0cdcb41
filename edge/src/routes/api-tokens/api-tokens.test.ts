import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';
import { sha256Hex } from '../../auth/hash.ts';
import { withTenant } from '../../db/client.ts';
import { apiTokens } from '../../db/schema/index.ts';

type Token = { id: string; secret?: string; hint: string; role: string; revokedAt: string | null };

describe.each(databaseKinds)('API tokens on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('ci');
  });
  afterAll(() => edge.close());

  it('shows the secret once, stores only its hash, and revokes at once', async () => {
    const res = await edge.request('/api/tenants/ci/api-tokens', {
      method: 'POST',
      token: t.tokens.admin,
      json: { name: 'pipeline', role: 'developer' },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Token;
    expect(created.secret).toMatch(/^cam_[A-Za-z0-9_-]{43}$/);
    expect(created.hint).toBe(`${created.secret?.slice(0, 8)}…`);

    const list = (await (
      await edge.request('/api/tenants/ci/api-tokens', { token: t.tokens.admin })
    ).json()) as { items: Token[] };
    expect(JSON.stringify(list)).not.toContain(created.secret);
    const rows = await withTenant(edge.db, t.id, (tx) =>
      tx.select().from(apiTokens).where(eq(apiTokens.id, created.id)),
    );
    expect(rows[0]?.tokenHash).toBe(await sha256Hex(created.secret ?? ''));
    expect(JSON.stringify(rows)).not.toContain(created.secret);

    const as = { token: created.secret ?? '' };
    expect((await edge.request('/api/tenants/ci/apps', as)).status).toBe(200);
    expect(
      (
        await edge.request(`/api/tenants/ci/api-tokens/${created.id}`, {
          method: 'DELETE',
          token: t.tokens.admin,
        })
      ).status,
    ).toBe(204);
    expect((await edge.request('/api/tenants/ci/apps', as)).status).toBe(401);
    const after = (await (
      await edge.request('/api/tenants/ci/api-tokens', { token: t.tokens.admin })
    ).json()) as { items: Token[] };
    expect(after.items.find((x) => x.id === created.id)?.revokedAt).not.toBeNull();
  });

  it('never mints a token that outranks its creator', async () => {
    const res = await edge.request('/api/tenants/ci/api-tokens', {
      method: 'POST',
      token: t.tokens.admin,
      json: { name: 'escalate', role: 'owner' },
    });
    expect(res.status).toBe(403);
  });

  it('expires tokens at their expiry', async () => {
    const res = await edge.request('/api/tenants/ci/api-tokens', {
      method: 'POST',
      token: t.tokens.owner,
      json: { name: 'day', role: 'viewer', expiresInDays: 1 },
    });
    const { secret } = (await res.json()) as Token;
    expect((await edge.request('/api/tenants/ci/apps', { token: secret })).status).toBe(200);
    edge.clock.advance(2 * 86_400_000);
    edge.services.authCache.invalidate();
    expect((await edge.request('/api/tenants/ci/apps', { token: secret })).status).toBe(401);
  });
});
