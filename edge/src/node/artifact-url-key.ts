import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { importArtifactUrlKey } from '../artifacts/signed-url.ts';

/**
 * The HMAC key of artifact download links: from the environment (base64url,
 * at least 32 bytes; every edge behind one URL needs the same) or from a key
 * file made once with mode 0600.
 */
export async function loadArtifactUrlKey(envValue: string | undefined, file: string): Promise<CryptoKey> {
  if (envValue) return importArtifactUrlKey(new Uint8Array(Buffer.from(envValue, 'base64url')));
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return importArtifactUrlKey(new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url')));
}
