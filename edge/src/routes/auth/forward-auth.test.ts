import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';
import type { Db } from '../../db/client.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;

describe.each(databaseKinds)('ForwardAuth /auth/verify on %s', (kind) => {
  let edge: TestEdge;
  let acme: Tenant;
  let globex: Tenant;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    acme = await edge.tenant('acme');
    globex = await edge.tenant('globex');
  });
  afterAll(() => edge.close());

  const verify = (
    host: string,
    init: { token?: string; cookie?: string; accept?: string; headers?: Record<string, string> } = {},
  ) =>
    edge.app.request('/auth/verify', {
      headers: {
        'x-forwarded-host': host,
        'x-forwarded-uri': '/orders?id=7',
        'x-forwarded-proto': 'https',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.cookie ? { cookie: init.cookie } : {}),
        ...(init.accept ? { accept: init.accept } : {}),
        ...init.headers,
      },
    });

  it("answers 200 with the identity headers for a member of the host's tenant", async () => {
    const res = await verify('orders.dev.acme.apps.test', {
      token: acme.tokens.developer,
      headers: { 'x-tenant-id': 'forged' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-tenant-id')).toBe(acme.id);
    expect(res.headers.get('x-user-id')).toMatch(/^tok_/);
    expect(res.headers.get('x-user-roles')).toBe('developer');
  });

  it('answers 403 for a member of another tenant and for hosts no tenant owns', async () => {
    expect((await verify('orders.dev.acme.apps.test', { token: globex.tokens.owner })).status).toBe(403);
    expect((await verify('orders.dev.nobody.apps.test', { token: globex.tokens.owner })).status).toBe(403);
    expect((await verify('evil.example.com', { token: globex.tokens.owner })).status).toBe(403);
    expect((await verify('', { token: globex.tokens.owner })).status).toBe(403);
  });

  it('says whether the caller is no member, or the host is under no apps domain', async () => {
    const detail = async (res: Response) => ((await res.json()) as { detail: string }).detail;
    const member = await verify('orders.dev.acme.apps.test', { token: globex.tokens.owner });
    expect(await detail(member)).toBe('You are not a member of the tenant of this host');
    const stray = await verify('orders.dev.acme.localhost', { token: globex.tokens.owner });
    expect(stray.status).toBe(403);
    expect(await detail(stray)).toMatch(
      /^The host orders\.dev\.acme\.localhost is not under the apps domain apps\.test .*console\.test.*CAMELEER_APPS_DOMAIN/,
    );
    const missing = await verify('', { token: globex.tokens.owner });
    expect(await detail(missing)).toMatch(/^A request without X-Forwarded-Host is not under the apps domain/);
  });

  it('answers 401 to API clients and redirects browsers to the login page', async () => {
    const api = await verify('orders.dev.acme.apps.test', { accept: 'application/json' });
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('Bearer');
    expect(api.headers.get('content-type')).toBe('application/problem+json');
    expect((await verify('orders.dev.acme.apps.test', { token: 'cam_forged-token-1234567890' })).status).toBe(
      401,
    );
    expect((await verify('orders.dev.acme.apps.test', { token: 'a.b.c' })).status).toBe(401);

    const browser = await verify('orders.dev.acme.apps.test', { accept: 'text/html,application/xhtml+xml' });
    expect(browser.status).toBe(302);
    const location = new URL(browser.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('http://console.test/login');
    expect(location.searchParams.get('rd')).toBe('https://orders.dev.acme.apps.test/orders?id=7');
  });

  it('accepts the session cookie set by the one-time login link, once', async () => {
    const login = await edge.app.request(new URL(edge.loginUrl).pathname + new URL(edge.loginUrl).search);
    expect(login.status).toBe(302);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(';')[0] ?? '';
    const res = await verify('orders.dev.default.apps.test', { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-user-roles')).toBe('owner');
    expect((await verify('orders.dev.acme.apps.test', { cookie })).status).toBe(403);
    const again = await edge.app.request(new URL(edge.loginUrl).pathname + new URL(edge.loginUrl).search);
    expect(again.status).toBe(401);
  });

  it('touches no database once warm, and fails closed when cold and the database is gone', async () => {
    const token = acme.tokens.viewer;
    expect((await verify('billing.prod.acme.apps.test', { token })).status).toBe(200);
    const realDb = edge.services.db;
    let touched = 0;
    edge.services.db = new Proxy(realDb, {
      get() {
        touched++;
        throw new Error('database is down');
      },
    }) as Db;
    try {
      for (let i = 0; i < 50; i++)
        expect((await verify('billing.prod.acme.apps.test', { token })).status).toBe(200);
      expect(touched).toBe(0);
      const cold = await verify('billing.prod.acme.apps.test', { token: acme.tokens.admin });
      expect(cold.status).toBe(503);
      expect(touched).toBeGreaterThan(0);
    } finally {
      edge.services.db = realDb;
    }
  });

  it('never trusts a cached verdict past the credential expiry or after a revocation', async () => {
    const created = await edge.request('/api/tenants/acme/api-tokens', {
      method: 'POST',
      token: acme.tokens.owner,
      json: { name: 'short', role: 'viewer', expiresInDays: 1 },
    });
    const { id, secret } = (await created.json()) as { id: string; secret: string };
    expect((await verify('a.dev.acme.apps.test', { token: secret })).status).toBe(200);
    edge.clock.advance(86_400_000 + 1000);
    expect((await verify('a.dev.acme.apps.test', { token: secret })).status).toBe(401);

    const other = (await (
      await edge.request('/api/tenants/acme/api-tokens', {
        method: 'POST',
        token: acme.tokens.owner,
        json: { name: 'revoked', role: 'viewer' },
      })
    ).json()) as { id: string; secret: string };
    expect((await verify('a.dev.acme.apps.test', { token: other.secret })).status).toBe(200);
    const revoked = await edge.request(`/api/tenants/acme/api-tokens/${other.id}`, {
      method: 'DELETE',
      token: acme.tokens.owner,
    });
    expect(revoked.status).toBe(204);
    expect((await verify('a.dev.acme.apps.test', { token: other.secret })).status).toBe(401);
    expect(id).toMatch(/^tok_/);
  });

  it('lets the console host through with the identity of a single-tenant credential', async () => {
    const res = await verify('console.test', { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-user-id')).toMatch(/^tok_/);
  });
});

describe('ForwardAuth on the embedded default, without CAMELEER_APPS_DOMAIN', () => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge('pglite', {
      settings: { publicUrl: 'http://localhost:8080', appsDomain: undefined },
    });
  });
  afterAll(() => edge.close());

  it("maps {app}.{env}.{tenant}.localhost, the local front's names, to the tenant", async () => {
    // Sign-in sends the browser back to an app under the default apps domain.
    const rd = 'http://orders.dev.default.localhost:8880/orders';
    const { pathname, search } = new URL(edge.loginUrl);
    const login = await edge.app.request(`${pathname}${search}&rd=${encodeURIComponent(rd)}`);
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe(rd);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const res = await edge.app.request('/auth/verify', {
      headers: { 'x-forwarded-host': 'orders.dev.default.localhost:8880', cookie },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('x-user-roles')).toBe('owner');

    const elsewhere = await edge.app.request('/auth/verify', {
      headers: { 'x-forwarded-host': 'orders.dev.default.apps.example.com', cookie },
    });
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { detail: string }).detail).toMatch(
      /^The host orders\.dev\.default\.apps\.example\.com is not under the apps domain localhost /,
    );
  });
});
