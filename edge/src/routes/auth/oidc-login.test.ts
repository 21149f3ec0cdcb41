import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge } from '../../../test/fixtures.ts';
import { cookieValue, createOidcTestEdge, type OidcTestEdge } from '../../../test/oidc-edge.ts';
import { oidcFlowCookie } from '../../auth/oidc-flow-cookie.ts';
import { sessionCookie } from '../../middleware/authenticate.ts';

type Me = { actor: { type: string; name: string }; memberships: { tenantId: string; role: string }[] };

describe('browser sign-in through an OIDC provider (Authorization Code + PKCE)', () => {
  let t: OidcTestEdge;
  beforeAll(async () => {
    t = await createOidcTestEdge('postgres');
  }, 60_000);
  afterAll(() => t?.close());

  const me = (session: string) =>
    t.edge.app.request('/api/me', { headers: { cookie: `${sessionCookie}=${session}` } });

  it('says which sign-in methods exist', async () => {
    const res = await t.edge.app.request('/auth/config');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      oidc: {
        issuer: t.provider.issuer,
        name: 'Test IdP',
        endSessionUrl: expect.stringMatching(
          new RegExp(
            `^${t.provider.issuer}/session/end\\?client_id=cameleer-console&post_logout_redirect_uri=`,
          ),
        ),
      },
      localLink: false,
    });
  });

  it('sends the browser to the issuer with PKCE (S256), state, nonce and the API as resource', async () => {
    const { location, flowCookie } = await t.start('/t/acme/apps');
    const url = new URL(location);
    expect(url.origin).toBe(t.provider.issuer);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('cameleer-console');
    expect(p.get('redirect_uri')).toBe('http://console.test/auth/oidc/callback');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(p.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(p.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(p.get('resource')).toBe(t.provider.audience);
    expect(flowCookie.split('.')).toHaveLength(3);
  });

  it('signs in, lands where the person was going, and /api/me shows the membership from the claims', async () => {
    const res = await t.signIn('alice', '/t/acme/apps?env=dev');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/t/acme/apps?env=dev');
    expect(cookieValue(res, oidcFlowCookie)).toBe('');
    const session = cookieValue(res, sessionCookie) ?? '';
    expect(session.split('.')).toHaveLength(3);
    const setCookie = res.headers.getSetCookie().find((l) => l.startsWith(`${sessionCookie}=`)) ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);

    const who = await me(session);
    expect(who.status).toBe(200);
    const body = (await who.json()) as Me;
    expect(body.actor).toMatchObject({ type: 'user', name: 'Alice' });
    expect(body.memberships).toEqual([expect.objectContaining({ tenantId: t.acme.id, role: 'developer' })]);
  });

  it('gives a viewer a viewer membership whose session the API refuses writes from', async () => {
    const res = await t.signIn('victor');
    expect(res.headers.get('location')).toBe('/');
    const session = cookieValue(res, sessionCookie) ?? '';
    const body = (await (await me(session)).json()) as Me;
    expect(body.memberships).toEqual([expect.objectContaining({ tenantId: t.acme.id, role: 'viewer' })]);
    const write = await t.edge.app.request('/api/tenants/acme/apps', {
      method: 'POST',
      headers: { cookie: `${sessionCookie}=${session}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'orders', name: 'Orders' }),
    });
    expect(write.status).toBe(403);
  });

  it('signs in a person of no organization without a membership', async () => {
    const res = await t.signIn('nobody');
    const body = (await (await me(cookieValue(res, sessionCookie) ?? '')).json()) as Me;
    expect(body.memberships).toEqual([]);
  });

  it('lands on /login with the reason in words when the provider refuses', async () => {
    const { location, flowCookie } = await t.start('/t/acme/apps');
    const state = new URL(location).searchParams.get('state') ?? '';
    const res = await t.callback(
      `http://console.test/auth/oidc/callback?error=access_denied&error_description=The+user+said+no&state=${state}&iss=${encodeURIComponent(t.provider.issuer)}`,
      flowCookie,
    );
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location') ?? '', 'http://console.test');
    expect(target.pathname).toBe('/login');
    expect(target.searchParams.get('error')).toBe(
      'The identity provider refused the sign-in: The user said no',
    );
    expect(target.searchParams.get('rd')).toBe('/t/acme/apps');
    expect(cookieValue(res, sessionCookie)).toBeUndefined();
  });

  it('without a browser client, offers only the link, and says so to a browser sent to the provider', async () => {
    const plain = await createTestEdge('postgres', { settings: { localLink: true } });
    try {
      expect(await (await plain.app.request('/auth/config')).json()).toEqual({ oidc: null, localLink: true });
      const res = await plain.app.request('/auth/oidc/login?rd=/t/acme/apps');
      const target = new URL(res.headers.get('location') ?? '', 'http://console.test');
      expect(target.pathname).toBe('/login');
      expect(target.searchParams.get('error')).toMatch(/not configured/);
      expect(target.searchParams.get('rd')).toBe('/t/acme/apps');
    } finally {
      await plain.close();
    }
  });
});
