import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** A public key that verifies product tokens, chosen by `kid`. */
export type VerifyingKey = { kid: string; publicKey: CryptoKey };

/** One Ed25519 signing key of the edge, identified by the JWK thumbprint as `kid`. */
export type SigningKey = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };

export async function generateSigningKeyJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return exportJWK(privateKey);
}

/** Imports a private Ed25519 JWK (as kept in a key file or an environment variable). */
export async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) {
    throw new Error('signing key must be a private Ed25519 JWK (kty OKP, crv Ed25519, with d and x)');
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateKey = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  const publicKey = (await importJWK({ ...publicJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } };
}

/** A public Ed25519 JWK (`kty OKP`, `crv Ed25519`, `x`) as a verifying key; `kid` defaults to its thumbprint. */
export async function importVerifyingKey(jwk: JWK): Promise<VerifyingKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x || jwk.d) {
    throw new Error('expected a public Ed25519 JWK (kty OKP, crv Ed25519, x, no d)');
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  return { kid, publicKey: (await importJWK({ ...publicJwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey };
}
