import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { type Principal, resolvePrincipal } from '../auth/principal.ts';
import type { HonoEnv, Services } from '../env.ts';

export const sessionCookie = 'cameleer_session';

/** The credential of a request: a bearer token, else the session cookie. */
export function credentialOf(
  authorization: string | undefined,
  cookie: string | undefined,
): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? '';
  }
  return cookie || undefined;
}

/** Resolves through the auth cache; on a warm cache no database is touched. */
export async function cachedPrincipal(
  services: Services,
  token: string,
  tokenHash?: string,
): Promise<Principal | null> {
  const hash = tokenHash ?? (await services.authCache.keyOf(token));
  const cached = services.authCache.getPrincipal(hash);
  if (cached) return cached.principal;
  const principal = await resolvePrincipal(services, token);
  services.authCache.setPrincipal(hash, principal);
  return principal;
}

/** Sets `principal` when the request carries a valid credential; routes decide whether one is required. */
export const authenticate = createMiddleware<HonoEnv>(async (c, next) => {
  const token = credentialOf(c.req.header('authorization'), getCookie(c, sessionCookie));
  c.set('principal', token ? ((await cachedPrincipal(c.get('services'), token)) ?? undefined) : undefined);
  await next();
});
