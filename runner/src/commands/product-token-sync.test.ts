import {
  generateSigningKeyJwk,
  importSigningKey,
  productIssuer,
  type SigningKey,
  signProductToken,
  tokenKinds,
  type VerifyingKey,
  verifyProductToken,
} from '@cameleer/shared';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyProductTokenSync } from './product-token-sync.ts';

const now = new Date('2026-12-07T05:00:00Z');
const iat = Math.floor(now.getTime() / 1000);

async function outcome(
  run: () => Promise<unknown>,
): Promise<{ ok: true; claims: unknown } | { ok: false; error: string }> {
  try {
    return { ok: true, claims: await run() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.constructor.name : String(err) };
  }
}

describe('verifyProductTokenSync (node:crypto) and verifyProductToken (WebCrypto)', () => {
  let key: SigningKey;
  let other: SigningKey;
  let keys: VerifyingKey[];
  const cases: Record<string, () => Promise<string>> = {};

  beforeAll(async () => {
    key = await importSigningKey(await generateSigningKeyJwk());
    other = await importSigningKey(await generateSigningKeyJwk());
    keys = [{ kid: key.kid, publicKey: key.publicKey }];
    const claims = { sub: 'runner-1', cmd: { kind: 'noop' } };
    const custom = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
      new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header }).sign(key.privateKey);
    const full = { sub: 'runner-1', iss: productIssuer, aud: tokenKinds.command.aud, iat, exp: iat + 60 };
    Object.assign(cases, {
      valid: () => signProductToken('command', key, claims, { now, ttlSeconds: 60 }),
      'valid, typ with application/ prefix': () =>
        custom({ typ: `application/${tokenKinds.command.typ}` }, { ...full, aud: [tokenKinds.command.aud] }),
      'another kind': () => signProductToken('commandKeys', key, claims, { now, ttlSeconds: 60 }),
      expired: () =>
        signProductToken('command', key, claims, { now: new Date(now.getTime() - 120_000), ttlSeconds: 60 }),
      'not yet valid': () =>
        signProductToken('command', key, claims, { now: new Date(now.getTime() + 60_000), ttlSeconds: 60 }),
      'unknown key': () => signProductToken('command', other, claims, { now, ttlSeconds: 60 }),
      'other key under a trusted kid': async () =>
        new SignJWT(full)
          .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: tokenKinds.command.typ })
          .sign(other.privateKey),
      'tampered payload': async () => {
        const [h, , s] = (await signProductToken('command', key, claims, { now, ttlSeconds: 60 })).split('.');
        const p = Buffer.from(JSON.stringify({ ...full, sub: 'runner-2' })).toString('base64url');
        return `${h}.${p}.${s}`;
      },
      'alg none': async () => {
        const h = Buffer.from(
          JSON.stringify({ alg: 'none', typ: tokenKinds.command.typ, kid: key.kid }),
        ).toString('base64url');
        return `${h}.${Buffer.from(JSON.stringify(full)).toString('base64url')}.`;
      },
      'wrong issuer': () => custom({ typ: tokenKinds.command.typ }, { ...full, iss: 'someone' }),
      'no sub': () => custom({ typ: tokenKinds.command.typ }, { ...full, sub: undefined }),
      'exp not a number': () => custom({ typ: tokenKinds.command.typ }, { ...full, exp: String(iat + 60) }),
      'no typ': () => custom({}, full),
      'payload not an object': async () => {
        const h = Buffer.from(
          JSON.stringify({ alg: 'EdDSA', typ: tokenKinds.command.typ, kid: key.kid }),
        ).toString('base64url');
        const p = Buffer.from('[1]').toString('base64url');
        const signed = await new SignJWT({})
          .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
          .sign(key.privateKey);
        return `${h}.${p}.${signed.split('.')[2]}`;
      },
      garbage: async () => 'not.a.token!',
      'two parts': async () => 'abc.def',
    });
  });

  it('accept and refuse the same tokens, with the same error class', async () => {
    const results: Record<string, unknown> = {};
    for (const [name, make] of Object.entries(cases)) {
      const token = await make();
      const web = await outcome(() => verifyProductToken('command', keys, token, { now }));
      const node = await outcome(async () => verifyProductTokenSync('command', keys, token, { now }));
      expect({ name, node }).toEqual({ name, node: web });
      results[name] = web.ok ? 'ok' : web.error;
    }
    expect(results).toMatchObject({
      valid: 'ok',
      'valid, typ with application/ prefix': 'ok',
      expired: 'JWTExpired',
      'unknown key': 'JWKSNoMatchingKey',
      'other key under a trusted kid': 'JWSSignatureVerificationFailed',
      'tampered payload': 'JWSSignatureVerificationFailed',
    });
  });

  it('carries the claims of an expired token, as the command verifier relies on', async () => {
    const token = await signProductToken(
      'command',
      key,
      { sub: 's', cmd: 1 },
      { now: new Date(now.getTime() - 120_000), ttlSeconds: 60 },
    );
    try {
      verifyProductTokenSync('command', keys, token, { now });
      expect.unreachable();
    } catch (err) {
      expect((err as { payload?: { cmd?: unknown } }).payload?.cmd).toBe(1);
    }
  });
});
