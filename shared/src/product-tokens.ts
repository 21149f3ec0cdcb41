import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { SigningKey, VerifyingKey } from './signing-keys.ts';
import { productIssuer, type TokenKind, tokenKinds } from './tokens.ts';

/** Signs a token of one product kind: its own `typ` header and audience, EdDSA only. */
export async function signProductToken(
  kind: TokenKind,
  key: SigningKey,
  claims: JWTPayload & { sub: string },
  opts: { now: Date; ttlSeconds: number },
): Promise<string> {
  const { typ, aud } = tokenKinds[kind];
  const iat = Math.floor(opts.now.getTime() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ, kid: key.kid })
    .setIssuer(productIssuer)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + opts.ttlSeconds)
    .sign(key.privateKey);
}

/**
 * Verifies a token of exactly `kind`: signature by one of `keys` (chosen by `kid`), `typ`, audience,
 * issuer, expiry and not-before. Any other kind, algorithm or key is rejected.
 */
export async function verifyProductToken(
  kind: TokenKind,
  keys: readonly VerifyingKey[],
  token: string,
  opts: { now: Date; clockToleranceSeconds?: number },
): Promise<JWTPayload & { sub: string }> {
  const { typ, aud } = tokenKinds[kind];
  const { payload } = await jwtVerify(
    token,
    async (header) => {
      const key = keys.find((k) => k.kid === header.kid);
      if (!key) throw new errors.JWKSNoMatchingKey();
      return key.publicKey;
    },
    {
      algorithms: ['EdDSA'],
      typ,
      audience: aud,
      issuer: productIssuer,
      currentDate: opts.now,
      clockTolerance: opts.clockToleranceSeconds ?? 5,
      requiredClaims: ['sub', 'exp', 'iat'],
    },
  );
  return payload as JWTPayload & { sub: string };
}
