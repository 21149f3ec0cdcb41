import { KeyObject, verify } from 'node:crypto';
import { productIssuer, type TokenKind, tokenKinds, type VerifyingKey } from '@cameleer/shared';
import { errors, type JWTPayload } from 'jose';

// Here rather than in shared/, which stays runtime-neutral (the Workers build and the console load it).
// WebCrypto's verify is a thread-pool round trip per call; on the runner's command path that hop cost
// more than the signature check itself.
const nodeKeys = new WeakMap<CryptoKey, KeyObject>();
const base64url = /^[A-Za-z0-9_-]*$/;

/**
 * The same checks as `verifyProductToken` (`@cameleer/shared`) (signature by a key chosen by `kid`, EdDSA only, `typ`,
 * audience, issuer, expiry, not-before, required claims), synchronously through `node:crypto`.
 * Refusals throw the same jose error classes, so callers can tell an expired token apart.
 */
export function verifyProductTokenSync(
  kind: TokenKind,
  keys: readonly VerifyingKey[],
  token: string,
  opts: { now: Date; clockToleranceSeconds?: number },
): JWTPayload & { sub: string } {
  const { typ, aud } = tokenKinds[kind];
  const parts = token.split('.');
  const [headerPart, payloadPart, signaturePart] = parts;
  if (
    parts.length !== 3 ||
    headerPart === undefined ||
    payloadPart === undefined ||
    signaturePart === undefined ||
    !base64url.test(headerPart) ||
    !base64url.test(payloadPart) ||
    !base64url.test(signaturePart)
  ) {
    throw new errors.JWSInvalid('Invalid Compact JWS');
  }
  const header = decodeObject(headerPart, () => new errors.JWSInvalid('JWS Protected Header is invalid'));
  // Our tokens never carry `crit` or `b64`; jose would refuse most uses of them, this path refuses all.
  if ('crit' in header || 'b64' in header)
    throw new errors.JOSENotSupported('unsupported JWS header parameter');
  if (header.alg !== 'EdDSA') {
    throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  }
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) throw new errors.JWKSNoMatchingKey();
  const signature = Buffer.from(signaturePart, 'base64url');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  let valid = false;
  try {
    valid = verify(null, signed, nodeKey(key.publicKey), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new errors.JWSSignatureVerificationFailed();

  const claims = decodeObject(
    payloadPart,
    () => new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object'),
  );
  const failed = (message: string, claim: string, reason: string) =>
    new errors.JWTClaimValidationFailed(message, claims, claim, reason);
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(typ)) {
    throw failed('unexpected "typ" JWT header value', 'typ', 'check_failed');
  }
  for (const claim of ['iss', 'aud', 'sub', 'exp', 'iat']) {
    if (!Object.hasOwn(claims, claim)) throw failed(`missing required "${claim}" claim`, claim, 'missing');
  }
  if (claims.iss !== productIssuer) throw failed('unexpected "iss" claim value', 'iss', 'check_failed');
  if (!(claims.aud === aud || (Array.isArray(claims.aud) && claims.aud.includes(aud)))) {
    throw failed('unexpected "aud" claim value', 'aud', 'check_failed');
  }
  const tolerance = opts.clockToleranceSeconds ?? 5;
  const now = Math.floor(opts.now.getTime() / 1000);
  for (const claim of ['iat', 'nbf', 'exp']) {
    if (claims[claim] !== undefined && typeof claims[claim] !== 'number') {
      throw failed(`"${claim}" claim must be a number`, claim, 'invalid');
    }
  }
  if (typeof claims.nbf === 'number' && claims.nbf > now + tolerance) {
    throw failed('"nbf" claim timestamp check failed', 'nbf', 'check_failed');
  }
  if (typeof claims.exp === 'number' && claims.exp <= now - tolerance) {
    throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  }
  return claims as JWTPayload & { sub: string };
}

function nodeKey(publicKey: CryptoKey): KeyObject {
  let key = nodeKeys.get(publicKey);
  if (!key) {
    key = KeyObject.from(publicKey);
    nodeKeys.set(publicKey, key);
  }
  return key;
}

function decodeObject(part: string, invalid: () => Error): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid();
  return value as Record<string, unknown>;
}

function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return value.includes('/') ? lower : `application/${lower}`;
}
