import {
  generateSigningKeyJwk,
  importSigningKey,
  productIssuer,
  type SigningKey,
  signProductToken,
  type TokenKind,
  tokenKinds,
  verifyProductToken,
} from '@cameleer/shared';
import { base64url, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

const kinds = Object.keys(tokenKinds) as TokenKind[];
const now = new Date('2030-01-01T00:00:00Z');
const t = Math.floor(now.getTime() / 1000);
const valid = { now, ttlSeconds: 60 };

/** Every claim a product token carries, for tokens built by hand to differ from a real one in one respect. */
function payloadOf(kind: TokenKind, extra: JWTPayload = {}): JWTPayload {
  return {
    sub: 'usr_1',
    iss: productIssuer,
    aud: tokenKinds[kind].aud,
    iat: t,
    nbf: t,
    exp: t + 60,
    ...extra,
  };
}

function signRaw(key: SigningKey, header: { typ: string; alg?: string }, payload: JWTPayload) {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header })
    .sign(key.privateKey);
}

describe('product tokens', () => {
  let key: SigningKey;
  let other: SigningKey;
  beforeAll(async () => {
    key = await importSigningKey(await generateSigningKeyJwk());
    other = await importSigningKey(await generateSigningKeyJwk());
  });

  const pairs = kinds.flatMap((signed) => kinds.map((expected) => [signed, expected] as const));
  it.each(pairs)('a %s token verifies as %s only when the kinds are the same', async (signed, expected) => {
    const token = await signProductToken(signed, key, { sub: 'usr_1' }, valid);
    const result = verifyProductToken(expected, [key], token, { now });
    if (signed === expected) await expect(result).resolves.toMatchObject({ sub: 'usr_1' });
    else await expect(result).rejects.toThrow();
  });

  it('checks typ and audience each on its own: one kind’s typ with another’s audience verifies as neither', async () => {
    const mixed = await signRaw(key, { typ: tokenKinds.session.typ }, payloadOf('runner'));
    await expect(verifyProductToken('session', [key], mixed, { now })).rejects.toThrow(/aud/);
    await expect(verifyProductToken('runner', [key], mixed, { now })).rejects.toThrow(/typ/);
  });

  it('refuses a token without typ or with a generic one', async () => {
    for (const typ of ['JWT', 'at+jwt', '']) {
      const token = await signRaw(key, { typ }, payloadOf('session'));
      await expect(verifyProductToken('session', [key], token, { now }), typ).rejects.toThrow();
    }
  });

  it('refuses a token signed by another key, whether under its own kid or under ours', async () => {
    const ownKid = await signProductToken('session', other, { sub: 'usr_1' }, valid);
    await expect(verifyProductToken('session', [key], ownKid, { now })).rejects.toThrow();
    const borrowedKid = await signProductToken(
      'session',
      { ...other, kid: key.kid },
      { sub: 'usr_1' },
      valid,
    );
    await expect(verifyProductToken('session', [key], borrowedKid, { now })).rejects.toThrow(/signature/);
  });

  it('keeps verifying with an older key during rotation, by kid', async () => {
    const token = await signProductToken('session', other, { sub: 'usr_1' }, valid);
    await expect(verifyProductToken('session', [key, other], token, { now })).resolves.toMatchObject({
      sub: 'usr_1',
    });
  });

  it('refuses alg none and HS256 keyed with the public key', async () => {
    const header = { typ: tokenKinds.session.typ, kid: key.kid };
    const payload = payloadOf('session');
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', ...header }))}.${base64url.encode(JSON.stringify(payload))}.`;
    await expect(verifyProductToken('session', [key], none, { now })).rejects.toThrow();
    for (const secret of [
      base64url.decode(key.publicJwk.x ?? ''),
      new TextEncoder().encode(JSON.stringify(key.publicJwk)),
    ]) {
      const hs = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...header }).sign(secret);
      await expect(verifyProductToken('session', [key], hs, { now })).rejects.toThrow(/alg/);
    }
  });

  it('refuses a foreign issuer, a missing iat and a tampered payload', async () => {
    const foreign = await signRaw(
      key,
      { typ: tokenKinds.session.typ },
      payloadOf('session', { iss: 'evil' }),
    );
    await expect(verifyProductToken('session', [key], foreign, { now })).rejects.toThrow(/iss/);
    const noIat = await signRaw(
      key,
      { typ: tokenKinds.session.typ },
      payloadOf('session', { iat: undefined }),
    );
    await expect(verifyProductToken('session', [key], noIat, { now })).rejects.toThrow(/iat/);

    const [header, , signature] = (await signProductToken('session', key, { sub: 'usr_1' }, valid)).split(
      '.',
    );
    const tampered = `${header}.${base64url.encode(JSON.stringify(payloadOf('session', { sub: 'usr_admin' })))}.${signature}`;
    await expect(verifyProductToken('session', [key], tampered, { now })).rejects.toThrow(/signature/);
  });

  it('allows 5 s of clock skew on expiry and not-before, and no more', async () => {
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    const token = await signProductToken('session', key, { sub: 'usr_1' }, valid);
    await expect(verifyProductToken('session', [key], token, { now: at(64) })).resolves.toBeDefined();
    await expect(verifyProductToken('session', [key], token, { now: at(66) })).rejects.toThrow(/exp/);
    await expect(verifyProductToken('session', [key], token, { now: at(-4) })).resolves.toBeDefined();
    await expect(verifyProductToken('session', [key], token, { now: at(-6) })).rejects.toThrow(/nbf/);
  });
});
