import { type Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ForwardAuthVerdict } from '../../auth/auth-cache.ts';
import { identityHeaderNames } from '../../auth/identity-headers.ts';
import type { Principal } from '../../auth/principal.ts';
import { findActiveTenant } from '../../db/queries/tenants.ts';
import type { HonoEnv, Services } from '../../env.ts';
import { AppError, Forbidden, problemResponse } from '../../errors.ts';
import {
  checkCredential,
  credentialOf,
  sessionCookie,
  unauthenticatedError,
} from '../../middleware/authenticate.ts';
import { appsDomainOf, hostOwner } from './host-tenant.ts';

/**
 * Traefik ForwardAuth. Fails closed: no credential, a bad one, an unknown host
 * or any internal error is never a 200. Warm verdicts come from a bounded cache
 * keyed by the credential's hash and the host, so the hot path touches no database;
 * on Node (a synchronous hash) a warm 200 is answered without awaiting anything.
 */
export const forwardAuthRoutes = new Hono<HonoEnv>().get('/auth/verify', (c) => {
  const services = c.get('services');
  const authorization = c.req.header('authorization');
  const token = credentialOf(authorization, authorization ? undefined : getCookie(c, sessionCookie));
  const host = c.req.header('x-forwarded-host') ?? '';
  if (token === undefined) return answer(c, services, { status: 401 }, host);
  const tokenHash = services.authCache.keyOf(token);
  if (typeof tokenHash === 'string') {
    const cached = services.authCache.getVerdict(verdictKey(tokenHash, host));
    if (cached) return answer(c, services, cached, host);
  }
  return verifyCold(c, services, token, tokenHash, host);
});

const verdictKey = (tokenHash: string, host: string) => `${tokenHash}\n${host}`;

async function verifyCold(
  c: Context<HonoEnv>,
  services: Services,
  token: string,
  pendingHash: string | Promise<string>,
  host: string,
): Promise<Response> {
  let verdict: ForwardAuthVerdict;
  try {
    const tokenHash = await pendingHash;
    const key = verdictKey(tokenHash, host);
    const cached = services.authCache.getVerdict(key);
    if (cached) {
      verdict = cached;
    } else {
      const { principal, rejection } = await checkCredential(services, token, tokenHash);
      verdict = principal ? await decide(services, principal, host) : { status: 401, rejection };
      const expiresAt = principal ? principal.expiresAt : services.clock.now().getTime() + 60_000;
      services.authCache.setVerdict(key, verdict, expiresAt);
    }
  } catch (err) {
    services.log.error('forward-auth failed closed', { requestId: c.get('requestId'), error: String(err) });
    return problemResponse(
      c,
      new AppError('unavailable', 'Authentication is unavailable; try again shortly'),
    );
  }
  return answer(c, services, verdict, host);
}

function answer(
  c: Context<HonoEnv>,
  services: Services,
  verdict: ForwardAuthVerdict,
  host: string,
): Response {
  if (verdict.status === 200) return c.body(null, 200, verdict.headers);
  if (verdict.status === 403) return problemResponse(c, forbidden(services, verdict, host));
  if (wantsHtml(c.req.header('accept')))
    return c.redirect(loginRedirect(services, c.req.raw.headers, host), 302);
  return problemResponse(c, unauthenticatedError(verdict.rejection));
}

async function decide(services: Services, principal: Principal, host: string): Promise<ForwardAuthVerdict> {
  const owner = hostOwner(host, consoleHost(services), appsDomainOf(services.settings));
  if (owner.kind === 'unknown') return { status: 403, refusal: 'unknown-host' };
  if (owner.kind === 'console') {
    const only = principal.memberships.size === 1 ? [...principal.memberships][0] : undefined;
    return { status: 200, headers: identityHeaders(principal, only?.[0] ?? '', only?.[1] ?? '') };
  }
  const tenant = await findActiveTenant(services.db, owner.slug);
  const role = tenant ? principal.memberships.get(tenant.id) : undefined;
  if (!tenant || !role) return { status: 403, refusal: 'not-a-member' };
  return { status: 200, headers: identityHeaders(principal, tenant.id, role) };
}

function consoleHost(services: Services): string {
  return new URL(services.settings.publicUrl).host;
}

/** A host no tenant owns is said to be one, so a wrong apps domain is not mistaken for a missing membership. */
function forbidden(services: Services, verdict: ForwardAuthVerdict, host: string): Forbidden {
  if (verdict.refusal !== 'unknown-host')
    return new Forbidden('You are not a member of the tenant of this host');
  const domain = appsDomainOf(services.settings);
  const named = host ? `The host ${host}` : 'A request without X-Forwarded-Host';
  return new Forbidden(
    `${named} is not under the apps domain ${domain} ({app}.{env}.{tenant}.${domain}) nor the console's host ` +
      `${consoleHost(services)}; set CAMELEER_APPS_DOMAIN to the domain the apps are served on`,
  );
}

function identityHeaders(principal: Principal, tenantId: string, role: string): Record<string, string> {
  return {
    [identityHeaderNames.tenant]: tenantId,
    [identityHeaderNames.user]: principal.id,
    [identityHeaderNames.roles]: role,
  };
}

function wantsHtml(accept: string | undefined): boolean {
  return !!accept && accept.includes('text/html');
}

function loginRedirect(services: Services, headers: Headers, host: string): string {
  const proto = headers.get('x-forwarded-proto') ?? 'https';
  const uri = headers.get('x-forwarded-uri') ?? '/';
  const target = new URL(services.settings.loginUrl ?? `${services.settings.publicUrl}/login`);
  if (host) target.searchParams.set('rd', `${proto}://${host}${uri.startsWith('/') ? uri : `/${uri}`}`);
  return target.toString();
}
