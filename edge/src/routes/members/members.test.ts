import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';

type Member = { id: string; role: string; user: { subject: string } };

describe.each(databaseKinds)('members on %s', (kind) => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('team');
  });
  afterAll(() => edge.close());

  const add = (token: string, subject: string, role: string) =>
    edge.request('/api/tenants/team/members', {
      method: 'POST',
      token,
      json: { issuer: 'https://id.example', subject, role },
    });

  it('adds, re-roles and removes members; admins manage roles up to their own', async () => {
    const res = await add(t.tokens.admin, 'alice', 'developer');
    expect(res.status).toBe(201);
    const alice = (await res.json()) as Member;
    expect(alice).toMatchObject({ role: 'developer', user: { subject: 'alice' } });
    expect((await add(t.tokens.admin, 'alice', 'viewer')).status).toBe(409);
    expect((await add(t.tokens.admin, 'mallory', 'owner')).status).toBe(403);
    expect((await add(t.tokens.owner, 'bob', 'owner')).status).toBe(201);

    const promoted = await edge.request(`/api/tenants/team/members/${alice.id}`, {
      method: 'PATCH',
      token: t.tokens.admin,
      json: { role: 'admin' },
    });
    expect(((await promoted.json()) as Member).role).toBe('admin');
    expect(
      (
        await edge.request(`/api/tenants/team/members/${alice.id}`, {
          method: 'DELETE',
          token: t.tokens.admin,
        })
      ).status,
    ).toBe(204);
    const list = (await (
      await edge.request('/api/tenants/team/members', { token: t.tokens.viewer })
    ).json()) as { items: Member[] };
    expect(list.items.map((m) => m.user.subject).sort()).toEqual(['bob', 'owner-of-team']);
  });

  it('never leaves a tenant without an owner', async () => {
    const list = (await (
      await edge.request('/api/tenants/team/members', { token: t.tokens.owner })
    ).json()) as { items: Member[] };
    const owners = list.items.filter((m) => m.role === 'owner');
    const [first, second] = owners;
    if (!first || !second) throw new Error('expected two owners');
    expect(
      (
        await edge.request(`/api/tenants/team/members/${second.id}`, {
          method: 'DELETE',
          token: t.tokens.owner,
        })
      ).status,
    ).toBe(204);
    const demote = await edge.request(`/api/tenants/team/members/${first.id}`, {
      method: 'PATCH',
      token: t.tokens.owner,
      json: { role: 'admin' },
    });
    expect(demote.status).toBe(409);
    expect(
      (
        await edge.request(`/api/tenants/team/members/${first.id}`, {
          method: 'DELETE',
          token: t.tokens.owner,
        })
      ).status,
    ).toBe(409);
  });
});
