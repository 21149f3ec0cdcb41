import { type Permission, permissions, type Role, roleHolds } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, type TestEdge } from '../test/fixtures.ts';
import { operationBodies, seedTenantResources } from '../test/tenant-resources.ts';

type Operation = { method: string; path: string; permission: string; security?: unknown[] };

const publicRoutes = new Set([
  'GET /auth/verify',
  'GET /auth/login',
  'POST /auth/logout',
  'GET /auth/return',
  // Browser sign-in through the OIDC issuer: public by nature, protected by PKCE, state and nonce.
  'GET /auth/config',
  'GET /auth/oidc/login',
  'GET /auth/oidc/callback',
  'GET /healthz',
  'GET /readyz',
  'GET /.well-known/license-keys',
  // Runner builds and versions: the install line downloads one before it holds any credential.
  'GET /runner/releases',
  'GET /runner/releases/:version/:file',
  'GET /api/openapi.json',
  'POST /tunnel/poll',
  // Authenticated by Stripe's signature over the body, not by a user.
  'POST /webhooks/stripe',
]);

const bodies = operationBodies;

describe('permissions', () => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let operations: Operation[];

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    t = await edge.tenant('perm');
    const doc = (await (await edge.request('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-permission': string; security?: unknown[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method,
        path,
        permission: op['x-permission'],
        security: op.security,
      })),
    );
  });
  afterAll(() => edge.close());

  it('documents a checked permission and a security scheme on every API operation', () => {
    const known = new Set<string>([
      ...Object.keys(permissions),
      'platform:admin',
      'authenticated',
      'registration-token',
      'agent-bootstrap-token',
      'signed-url',
    ]);
    expect(operations.length).toBeGreaterThan(20);
    for (const op of operations) {
      expect(known.has(op.permission), `${op.method} ${op.path}: ${op.permission}`).toBe(true);
      // Public operations carry their credential: a one-time token, or a signed query.
      if (!['registration-token', 'agent-bootstrap-token', 'signed-url'].includes(op.permission))
        expect(op.security?.length, `${op.method} ${op.path}`).toBeGreaterThan(0);
    }
  });

  it('has no route outside the OpenAPI document except the public ones', () => {
    const documented = new Set(
      operations.map((op) => `${op.method.toUpperCase()} ${op.path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const registered = edge.app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`)
      .filter((r, i, all) => all.indexOf(r) === i);
    const unchecked = registered.filter((r) => !documented.has(r) && !publicRoutes.has(r));
    expect(unchecked).toEqual([]);
  });

  it('refuses every tenant operation to roles below its permission, and only to those', async () => {
    // Throw-away resources, so that allowed deletes and revocations hit something harmless.
    const ids: Record<string, string> = await seedTenantResources(edge, t, 'scratch');
    const tenantOps = operations.filter((op) => op.path.startsWith('/api/tenants/{tenant}'));
    for (const role of ['viewer', 'developer', 'admin', 'owner'] as Role[]) {
      for (const op of tenantOps) {
        const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? '');
        const res = await edge.request(url, {
          method: op.method.toUpperCase(),
          token: t.tokens[role],
          json: bodies[`${op.method} ${op.path}`],
        });
        const allowed = op.permission in permissions && roleHolds(role, op.permission as Permission);
        const label = `${role} ${op.method.toUpperCase()} ${op.path} (${op.permission})`;
        if (allowed) expect(res.status, label).not.toBe(403);
        else expect(res.status, label).toBe(403);
        expect(res.status, label).not.toBe(401);
      }
    }
  });

  it('lets only platform administrators create tenants', async () => {
    const body = { slug: 'platform-only', name: 'x' };
    expect(
      (await edge.request('/api/tenants', { method: 'POST', token: t.tokens.owner, json: body })).status,
    ).toBe(403);
    expect(
      (await edge.request('/api/tenants', { method: 'POST', token: adminToken, json: body })).status,
    ).toBe(201);
  });
});
