import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The one platform a single-file runner is built for. */
export const releasePlatform = 'linux-x64';
export const releaseFileName = `cameleer-runner-${releasePlatform}`;

export type ReleaseFacts = { version: string; platform: string; sha256: string };

/**
 * What the release key signs: version, platform and digest together, so a signed build can
 * never be passed off as another version (a downgrade) or another platform.
 */
export function releaseStatement(r: ReleaseFacts): Buffer {
  return Buffer.from(`cameleer-runner-release:v1:${r.platform}:${r.version}:${r.sha256.toLowerCase()}`);
}

/** The public key from its base64url raw form (the `x` of its JWK). */
export function releasePublicKey(x: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** Signs a release with the private key (a JWK as JSON); the signature is base64url. */
export function signRelease(privateJwk: string, r: ReleaseFacts): string {
  const key = createPrivateKey({ key: JSON.parse(privateJwk), format: 'jwk' });
  return sign(null, releaseStatement(r), key).toString('base64url');
}

export function releaseSignatureValid(publicKeyX: string, r: ReleaseFacts, signature: string): boolean {
  try {
    return verify(
      null,
      releaseStatement(r),
      releasePublicKey(publicKeyX),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
