import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { type CredentialCheck, type CredentialRejection, resolvePrincipal } from '../auth/principal.ts';
import type { HonoEnv, Services } from '../env.ts';
import { type AppError, InvalidToken, Unauthenticated } from '../errors.ts';

export const sessionCookie = 'cameleer_session';

/** The credential of a request: a bearer token, else the session cookie; `''` for an Authorization header that is not `Bearer`. */
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
export async function checkCredential(
  services: Services,
  token: string,
  tokenHash?: string,
): Promise<CredentialCheck> {
  if (!token) return { principal: null, rejection: 'malformed' };
  const hash = tokenHash ?? (await services.authCache.keyOf(token));
  const cached = services.authCache.getPrincipal(hash);
  if (cached) return cached;
  const check = await resolvePrincipal(services, token);
  services.authCache.setPrincipal(hash, check);
  return check;
}

/** The problem detail (and RFC 6750 error_description) of each rejection: printable ASCII only. */
const rejectionDetails: Record<CredentialRejection, string> = {
  malformed:
    'The credential is malformed: send Authorization: Bearer with an API token (cam_...) or a JWT, or sign in again',
  expired: 'The token has expired: sign in again, or create a new API token',
  revoked: 'The token has been revoked: create a new API token',
  invalid: 'The token is not valid: it is unknown, or its signature does not verify',
};

/** The 401 of a request that needs a principal: why the credential sent was refused, or that none was sent. */
export function unauthenticatedError(rejection: CredentialRejection | undefined): AppError {
  return rejection ? new InvalidToken(rejectionDetails[rejection]) : new Unauthenticated();
}

export function unauthenticated(c: Context<HonoEnv>): AppError {
  return unauthenticatedError(c.get('credentialRejection'));
}

/** Sets `principal` when the request carries a valid credential, else why a credential sent was refused; routes decide whether one is required. */
export const authenticate = createMiddleware<HonoEnv>(async (c, next) => {
  const token = credentialOf(c.req.header('authorization'), getCookie(c, sessionCookie));
  const check = token === undefined ? undefined : await checkCredential(c.get('services'), token);
  c.set('principal', check?.principal ?? undefined);
  c.set('credentialRejection', check?.rejection);
  await next();
});
