import { generateSigningKeyJwk, importSigningKey, signProductToken } from '@cameleer/shared';
import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackUrl, cookieValue, createOidcTestEdge, type OidcTestEdge } from '../../../test/oidc-edge.ts';
import { signInAtProvider } from '../../../test/oidc-provider.ts';
import { oidcFlowCookie } from '../../auth/oidc-flow-cookie.ts';
import { users } from '../../db/schema/index.ts';
import { sessionCookie } from '../../middleware/authenticate.ts';

describe('browser sign-in through an OIDC provider: attacks', () => {
  let t: OidcTestEdge;
  beforeAll(async () => {
    t = await createOidcTestEdge('postgres');
  }, 60_000);
  afterAll(() => t?.close());

  /** A refusal lands on /login with words, sets no session, and made no user. */
  const expectRefused = async (res: Response, words: RegExp) => {
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location') ?? '', 'http://console.test');
    expect(target.origin + target.pathname).toBe('http://console.test/login');
    expect(target.searchParams.get('error')).toMatch(words);
    expect(cookieValue(res, sessionCookie)).toBeUndefined();
    expect(await t.edge.db.select().from(users).where(eq(users.subject, 'mallory'))).toEqual([]);
  };

  /** Re-signs the flow cookie with the edge's own key after changing its claims: only what the attack changes differs. */
  const reseal = async (flowCookie: string, change: (claims: Record<string, unknown>) => void) => {
    const claims = decodeJwt(flowCookie) as Record<string, unknown>;
    for (const k of ['iss', 'aud', 'iat', 'nbf', 'exp']) delete claims[k];
    change(claims);
    return signProductToken('oidcFlow', t.edge.sessionKey, claims as { sub: string }, {
      now: t.edge.clock.now(),
      ttlSeconds: 600,
    });
  };

  it('refuses a callback whose state was tampered with', async () => {
    const { location, flowCookie } = await t.start();
    const back = new URL(await signInAtProvider(location, 'mallory', callbackUrl));
    back.searchParams.set('state', `${back.searchParams.get('state')}x`);
    await expectRefused(await t.callback(back.toString(), flowCookie), /state mismatch/);
  });

  it('refuses a callback without the flow cookie, or with one this edge did not sign', async () => {
    const { location, flowCookie } = await t.start();
    const back = await signInAtProvider(location, 'mallory', callbackUrl);
    await expectRefused(await t.callback(back), /was not started in this browser/);
    const stranger = await importSigningKey(await generateSigningKeyJwk());
    const claims = decodeJwt(flowCookie) as { sub: string };
    const forged = await signProductToken('oidcFlow', { ...stranger, kid: t.edge.sessionKey.kid }, claims, {
      now: t.edge.clock.now(),
      ttlSeconds: 600,
    });
    await expectRefused(await t.callback(back, forged), /was not started in this browser/);
  });

  it('refuses a replayed code', async () => {
    const { location, flowCookie } = await t.start();
    const back = await signInAtProvider(location, 'alice', callbackUrl);
    const first = await t.callback(back, flowCookie);
    expect(cookieValue(first, sessionCookie)).toBeTruthy();
    await expectRefused(await t.callback(back, flowCookie), /refused the code/);
  });

  it('refuses an ID token issued for another nonce', async () => {
    const { location, flowCookie } = await t.start();
    const back = await signInAtProvider(location, 'mallory', callbackUrl);
    const wrongNonce = await reseal(flowCookie, (c) => {
      c.nonce = 'another-nonce-of-another-sign-in-0123456789';
    });
    await expectRefused(await t.callback(back, wrongNonce), /nonce mismatch/);
  });

  it('refuses the code without its PKCE verifier, or with another one', async () => {
    const { location, flowCookie } = await t.start();
    const back = await signInAtProvider(location, 'mallory', callbackUrl);
    const withoutVerifier = await reseal(flowCookie, (c) => {
      delete c.cv;
    });
    await expectRefused(await t.callback(back, withoutVerifier), /was not started in this browser/);
    const otherVerifier = await reseal(flowCookie, (c) => {
      c.cv = 'a'.repeat(43);
    });
    await expectRefused(await t.callback(back, otherVerifier), /refused the code/);

    // A stolen code alone is worthless at the provider too.
    const code = new URL(back).searchParams.get('code') ?? '';
    const direct = await fetch(`${t.provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: callbackUrl,
        client_id: t.provider.clientId,
        client_secret: t.provider.clientSecret,
      }),
    });
    expect(direct.status).toBe(400);
  });

  it('ignores a return address on a foreign host', async () => {
    for (const rd of ['https://evil.example/steal', '//evil.example/steal', 'javascript:alert(1)']) {
      const res = await t.signIn('alice', rd);
      expect(res.headers.get('location')).toBe('/');
    }
    const own = await t.signIn('alice', 'https://orders.dev.acme.apps.test/orders?id=7');
    expect(own.headers.get('location')).toBe('https://orders.dev.acme.apps.test/orders?id=7');
  });

  it('keeps the flow cookie HttpOnly, SameSite=Lax, short-lived and scoped to the OIDC paths', async () => {
    const res = await t.edge.app.request('/auth/oidc/login');
    const line = res.headers.getSetCookie().find((l) => l.startsWith(`${oidcFlowCookie}=`)) ?? '';
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).toMatch(/Max-Age=600/);
    expect(line).toMatch(/Path=\/auth\/oidc/);
  });
});
