import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  oidcFlowCookie,
  oidcFlowTtlSeconds,
  openOidcFlow,
  sealOidcFlow,
} from '../../auth/oidc-flow-cookie.ts';
import { authorizationUrl, completeSignIn, endSessionUrl, OidcLoginError } from '../../auth/oidc-login.ts';
import type { HonoEnv } from '../../env.ts';
import { checkCredential, sessionCookie } from '../../middleware/authenticate.ts';
import { safeRedirect } from './session.ts';

const flowCookiePath = '/auth/oidc';

/**
 * Browser sign-in through the OIDC issuer. The session cookie keeps the issuer's access token itself,
 * so a browser session is resolved exactly as a Bearer token is (organization and roles claims included)
 * and ends when the issuer says the token does.
 */
export const oidcLoginRoutes = new Hono<HonoEnv>()
  .get('/auth/config', async (c) => {
    const { settings } = c.get('services');
    const login = settings.oidcLogin;
    return c.json({
      oidc: login
        ? {
            issuer: login.issuer,
            name: login.displayName ?? new URL(login.issuer).host,
            endSessionUrl: await endSessionUrl(login, `${settings.publicUrl}/login?signedOut=1`).catch(
              () => undefined,
            ),
          }
        : null,
      localLink: settings.localLink ?? false,
    });
  })
  .get('/auth/oidc/login', async (c) => {
    const { settings, sessionKeys, clock } = c.get('services');
    const rd = safeRedirect(c.req.query('rd'), settings);
    const login = settings.oidcLogin;
    const key = sessionKeys[0];
    if (!login || !key)
      return failed(c, 'Signing in through an identity provider is not configured here', rd);
    try {
      const { url, flow } = await authorizationUrl(login, redirectUri(c));
      setCookie(c, oidcFlowCookie, await sealOidcFlow(key, flow, rd, clock.now()), {
        ...cookieBase(c),
        path: flowCookiePath,
        maxAge: oidcFlowTtlSeconds,
      });
      return c.redirect(url.toString(), 302);
    } catch (err) {
      return failed(c, reason(err), rd);
    }
  })
  .get('/auth/oidc/callback', async (c) => {
    const services = c.get('services');
    const { settings, sessionKeys, clock } = services;
    const pending = await openOidcFlow(sessionKeys, getCookie(c, oidcFlowCookie), clock.now());
    // Single use: whatever happens next, this flow is over.
    deleteCookie(c, oidcFlowCookie, { path: flowCookiePath });
    const login = settings.oidcLogin;
    if (!login) return failed(c, 'Signing in through an identity provider is not configured here', '/');
    if (!pending)
      return failed(c, 'This sign-in expired or was not started in this browser; sign in again', '/');
    try {
      const tokens = await completeSignIn(login, redirectUri(c), new URL(c.req.url), pending.flow);
      const { principal } = await checkCredential(services, tokens.accessToken);
      if (!principal)
        throw new OidcLoginError(
          `The identity provider's access token is not accepted by this API; it must be a JWT for the audience ${login.audience}`,
        );
      const lifetime = Math.min(
        settings.sessionTtlSeconds,
        Math.floor((principal.expiresAt - clock.now().getTime()) / 1000),
      );
      setCookie(c, sessionCookie, tokens.accessToken, { ...cookieBase(c), path: '/', maxAge: lifetime });
      return c.redirect(pending.rd, 302);
    } catch (err) {
      return failed(c, reason(err), pending.rd);
    }
  });

function redirectUri(c: Context<HonoEnv>): string {
  return `${c.get('services').settings.publicUrl}/auth/oidc/callback`;
}

function cookieBase(c: Context<HonoEnv>) {
  return {
    httpOnly: true,
    secure: c.get('services').settings.publicUrl.startsWith('https:'),
    sameSite: 'Lax' as const,
  };
}

/** Back to the sign-in page with the reason in words; nothing was stored. */
function failed(c: Context<HonoEnv>, error: string, rd: string): Response {
  const target = new URLSearchParams({ error });
  if (rd !== '/') target.set('rd', rd);
  return c.redirect(`/login?${target}`, 302);
}

function reason(err: unknown): string {
  if (err instanceof OidcLoginError) return err.message;
  return 'The identity provider could not be reached; try again shortly';
}
