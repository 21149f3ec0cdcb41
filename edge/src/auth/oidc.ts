import { productTokenTypes } from '@cameleer/shared';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

export type OidcSettings = {
  issuer: string;
  audience: string;
  /** Defaults to `${issuer}/jwks` (Logto's layout). */
  jwksUri?: string;
  /** Claim naming the organization, mapped onto a tenant (Logto: `organization_id`). */
  tenantClaim: string;
  /** Claim holding Cameleer roles when the member table has none for the user. */
  rolesClaim: string;
  clockToleranceSeconds: number;
};

export type OidcIdentity = {
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
  organizationId?: string;
  roles: string[];
  expiresAt: number;
};

/** Asymmetric algorithms only: `none` and HMAC (which would let a public key act as a secret) never verify. */
const acceptedAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

export type OidcVerifier = (token: string, now: Date) => Promise<OidcIdentity>;

export function createOidcVerifier(settings: OidcSettings): OidcVerifier {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUri ?? `${settings.issuer.replace(/\/$/, '')}/jwks`), {
    // An unknown `kid` refetches the key set at most once per 30 s, whatever the flood.
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    timeoutDuration: 5_000,
  });
  const keys = withFailureBackoff(jwks, 5_000);
  return async (token, now) => {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: acceptedAlgorithms,
      clockTolerance: settings.clockToleranceSeconds,
      currentDate: now,
      requiredClaims: ['sub', 'exp'],
    });
    if (protectedHeader.typ && productTokenTypes.has(protectedHeader.typ)) {
      throw new errors.JWTInvalid('a Cameleer-issued token is not an OIDC access token');
    }
    return toIdentity(payload, settings);
  };
}

/**
 * jose's cooldown only follows successful fetches. While the issuer's key set is
 * failing, refuse without fetching for `backoffMs` after each failure, and report
 * the failure as unavailability (JWKSTimeout), never as a bad token, so that it
 * is neither answered with 401 nor cached as one.
 */
function withFailureBackoff(jwks: JWTVerifyGetKey, backoffMs: number): JWTVerifyGetKey {
  let failedAt = Number.NEGATIVE_INFINITY;
  return async (header, token) => {
    if (Date.now() - failedAt < backoffMs)
      throw new errors.JWKSTimeout('the issuer key set failed moments ago');
    try {
      return await jwks(header, token);
    } catch (err) {
      const aboutTheToken =
        err instanceof errors.JWKSNoMatchingKey ||
        err instanceof errors.JWKSMultipleMatchingKeys ||
        err instanceof errors.JOSENotSupported;
      if (aboutTheToken) throw err;
      failedAt = Date.now();
      throw new errors.JWKSTimeout(
        `the issuer key set is unavailable: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
}

function toIdentity(payload: JWTPayload, settings: OidcSettings): OidcIdentity {
  const org = payload[settings.tenantClaim];
  const roles = payload[settings.rolesClaim];
  return {
    issuer: settings.issuer,
    subject: String(payload.sub),
    email: typeof payload.email === 'string' ? payload.email : undefined,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    organizationId: typeof org === 'string' ? org : undefined,
    roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [],
    expiresAt: (payload.exp ?? 0) * 1000,
  };
}
