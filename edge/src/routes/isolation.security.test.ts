import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestEdge,
  databaseKinds,
  registerTestRunner,
  type TestEdge,
  tableCounts,
} from '../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../test/jars.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type Ids = {
  tenant: string;
  app: string;
  environment: string;
  memberId: string;
  tokenId: string;
  runnerId: string;
  commandId: string;
  version: string;
  deploymentId: string;
};

/** A valid body for every operation that takes one, so that only tenant scoping can refuse the request. */
const bodies: Record<string, unknown> = {
  'post /api/tenants': { slug: 'intruder', name: 'x' },
  'patch /api/tenants/{tenant}': { name: 'renamed' },
  'post /api/tenants/{tenant}/apps': { name: 'planted' },
  'patch /api/tenants/{tenant}/apps/{app}': { description: 'defaced' },
  'post /api/tenants/{tenant}/environments': { name: 'planted' },
  'patch /api/tenants/{tenant}/environments/{environment}': { description: 'defaced' },
  'post /api/tenants/{tenant}/members': { issuer: 'evil', subject: 'mallory', role: 'owner' },
  'patch /api/tenants/{tenant}/members/{memberId}': { role: 'viewer' },
  'post /api/tenants/{tenant}/api-tokens': { name: 'backdoor', role: 'owner' },
  'post /api/tenants/{tenant}/runner-tokens': {},
  'post /api/tenants/{tenant}/runners/{runnerId}/commands': { kind: 'deploy', payload: { image: 'evil' } },
  // A JSON body where a JAR belongs: tenant scoping must refuse it before the media type is looked at.
  'post /api/tenants/{tenant}/apps/{app}/versions': { planted: true },
  'post /api/tenants/{tenant}/apps/{app}/deployments': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/promote': { from: 'dev', to: 'prod' },
  'post /api/tenants/{tenant}/apps/{app}/rollback': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/stop': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/restart': { environment: 'dev' },
  'post /api/tenants/{tenant}/apps/{app}/remove': { environment: 'dev' },
  'post /api/runners/register': {
    token: 'cmr_reg_not-a-token-at-all',
    name: 'x',
    publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
  },
};

describe.each(databaseKinds)('tenant isolation on %s', (kind) => {
  let edge: TestEdge;
  let a: Tenant;
  let b: Tenant;
  let bIds: Ids;
  let operations: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    a = await edge.tenant('tenant-a');
    b = await edge.tenant('tenant-b');
    bIds = await resourcesOf(edge, b);
    const doc = (await (await edge.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method, path })),
    );
  });
  afterAll(() => edge.close());

  it('answers 404 when tenant A names tenant B, on every tenant route', async () => {
    const before = await tableCounts(edge.db, b.id);
    const scoped = operations.filter((op) => op.path.startsWith('/api/tenants/{tenant}'));
    expect(scoped.length).toBeGreaterThan(15);
    for (const op of scoped) {
      for (const tenantRef of [b.slug, b.id]) {
        const url = fill(op.path, { ...bIds, tenant: tenantRef });
        const res = await call(edge, op, url, a.tokens.owner);
        expect(res.status, `${op.method.toUpperCase()} ${url}`).toBe(404);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    expect(await tableCounts(edge.db, b.id)).toEqual(before);
  });

  it("answers 404 when tenant A names B's resources under its own tenant", async () => {
    const before = await tableCounts(edge.db, b.id);
    const resourceOps = operations.filter((op) => /\{tenant\}\/[^/]+\/\{/.test(op.path));
    expect(resourceOps.length).toBeGreaterThan(8);
    for (const op of resourceOps) {
      const url = fill(op.path, { ...bIds, tenant: a.slug });
      const res = await call(edge, op, url, a.tokens.owner);
      expect(res.status, `${op.method.toUpperCase()} ${url}`).toBe(404);
    }
    expect(await tableCounts(edge.db, b.id)).toEqual(before);
  });

  it("never lists B's rows to A", async () => {
    // (A's audit log does record the ids A itself sent in refused requests; that is A's own data.)
    const audit = JSON.stringify(
      await (await edge.request(`/api/tenants/${a.slug}/audit-log`, { token: a.tokens.owner })).json(),
    );
    expect(audit).not.toContain(b.id);
    expect(audit).not.toContain('ledger');
    for (const list of ['apps', 'environments', 'members', 'api-tokens']) {
      const body = JSON.stringify(
        await (await edge.request(`/api/tenants/${a.slug}/${list}`, { token: a.tokens.owner })).json(),
      );
      for (const id of Object.values(bIds)) expect(body, list).not.toContain(id);
    }
    const tenants = (await (await edge.request('/api/tenants', { token: a.tokens.owner })).json()) as {
      items: Array<{ id: string }>;
    };
    expect(tenants.items.map((t) => t.id)).toEqual([a.id]);
  });

  it('has a body for every operation that needs one', () => {
    const needed = operations.filter((op) => op.method === 'post' || op.method === 'patch').map(key);
    expect(needed.filter((k) => !(k in bodies))).toEqual([]);
  });
});

const key = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

/** Query parameters an operation requires, so that only tenant scoping can refuse it. */
const queries: Record<string, string> = { '/api/tenants/{tenant}/apps/{app}/logs': '?environment=dev' };

function fill(path: string, ids: Ids): string {
  return `${fillPath(path, ids)}${queries[path] ?? ''}`;
}

function fillPath(path: string, ids: Ids): string {
  return path.replace(/\{(\w+)\}/g, (_, name: keyof Ids) => encodeURIComponent(ids[name]));
}

function call(edge: TestEdge, op: { method: string; path: string }, url: string, token: string) {
  return edge.request(url, { method: op.method.toUpperCase(), token, json: bodies[key(op)] });
}

async function resourcesOf(edge: TestEdge, t: Tenant): Promise<Ids> {
  const token = t.tokens.owner;
  const app = (await (
    await edge.request(`/api/tenants/${t.slug}/apps`, { method: 'POST', token, json: { name: 'ledger' } })
  ).json()) as { id: string };
  const envs = (await (await edge.request(`/api/tenants/${t.slug}/environments`, { token })).json()) as {
    items: Array<{ id: string }>;
  };
  const members = (await (await edge.request(`/api/tenants/${t.slug}/members`, { token })).json()) as {
    items: Array<{ id: string }>;
  };
  const tokens = (await (await edge.request(`/api/tenants/${t.slug}/api-tokens`, { token })).json()) as {
    items: Array<{ id: string }>;
  };
  const first = <T>(items: T[]) => {
    const item = items[0];
    if (!item) throw new Error('fixture tenant is missing a resource');
    return item;
  };
  const { runnerId } = await registerTestRunner(edge, t);
  const command = (await (
    await edge.request(`/api/tenants/${t.slug}/runners/${runnerId}/commands`, {
      method: 'POST',
      token,
      json: { kind: 'noop' },
    })
  ).json()) as { id: string };
  const version = (await (
    await uploadJar(edge, `/api/tenants/${t.slug}/apps/${app.id}/versions`, token, minimalJar())
  ).json()) as { id: string };
  const deployment = (await (
    await edge.request(`/api/tenants/${t.slug}/apps/${app.id}/deployments`, {
      method: 'POST',
      token,
      json: { environment: 'dev' },
    })
  ).json()) as { id: string };
  return {
    runnerId,
    commandId: command.id,
    version: version.id,
    deploymentId: deployment.id,
    tenant: t.slug,
    app: app.id,
    environment: first(envs.items).id,
    memberId: first(members.items).id,
    tokenId: first(tokens.items).id,
  };
}
