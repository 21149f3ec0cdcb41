import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge, tableCounts } from '../../test/fixtures.ts';
import { operationBodies, seedTenantResources, type TenantResourceIds } from '../../test/tenant-resources.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type Ids = TenantResourceIds;

/** A valid body for every operation that takes one, so that only tenant scoping can refuse the request. */
/** Valid bodies, the hostile kind where it matters: only tenant scoping may refuse these. */
const bodies: Record<string, unknown> = {
  ...operationBodies,
  'post /api/tenants/{tenant}/apps': { name: 'planted' },
  'patch /api/tenants/{tenant}/apps/{app}': { description: 'defaced' },
  'post /api/tenants/{tenant}/members': { issuer: 'evil', subject: 'mallory', role: 'owner' },
  'post /api/tenants/{tenant}/api-tokens': { name: 'backdoor', role: 'owner' },
  'post /api/tenants/{tenant}/runners/{runnerId}/commands': { kind: 'deploy', payload: { image: 'evil' } },
  'post /api/tenants/{tenant}/apps/{app}/versions': { planted: true },
  'put /api/tenants/{tenant}/config/{key}': { value: 'planted', secret: true },
  // The replay takes no body: the exchange id in the path says it all.
  'post /api/tenants/{tenant}/failed-exchanges/{exchangeId}/replay': undefined,
};

/**
 * Resources that live in ClickHouse: this edge has none, so they answer 503 for every tenant, which
 * shows no row either. Their isolation is tested on chDB in failed-exchanges.security.test.ts.
 */
const inTelemetry = (path: string) => path.startsWith('/api/tenants/{tenant}/failed-exchanges/');

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
    bIds = await seedTenantResources(edge, b, 'ledger');
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
      expect(res.status, `${op.method.toUpperCase()} ${url}`).toBe(inTelemetry(op.path) ? 503 : 404);
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
    for (const list of ['apps', 'environments', 'members', 'api-tokens', 'config']) {
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
    const needed = operations.filter((op) => ['post', 'patch', 'put'].includes(op.method)).map(key);
    expect(needed.filter((k) => !(k in bodies))).toEqual([]);
  });
});

const key = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

/**
 * Query parameters an operation requires, so that only tenant scoping can refuse it. Configuration
 * keys are names, not resources: a layer in the query makes A name B's app or environment.
 */
const queries: Record<string, string> = {
  '/api/tenants/{tenant}/apps/{app}/logs': '?environment=dev',
  '/api/tenants/{tenant}/apps/{app}/logs/stream': '?environment=dev',
  '/api/tenants/{tenant}/config': '?app={app}',
  '/api/tenants/{tenant}/config/{key}': '?app={app}&environment={environment}',
  '/api/tenants/{tenant}/apps/{app}/config/resolved': '?environment={environment}',
};

function fill(path: string, ids: Ids): string {
  return fillPath(`${path}${queries[path] ?? ''}`, ids);
}

function fillPath(path: string, ids: Ids): string {
  return path.replace(/\{(\w+)\}/g, (_, name: keyof Ids) => encodeURIComponent(ids[name]));
}

function call(edge: TestEdge, op: { method: string; path: string }, url: string, token: string) {
  return edge.request(url, { method: op.method.toUpperCase(), token, json: bodies[key(op)] });
}
