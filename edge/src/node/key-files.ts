import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateSigningKeyJwk, importSigningKey, type SigningKey } from '@cameleer/shared';
import type { JWK } from 'jose';

/**
 * A signing key from an environment value (a private JWK as JSON) or from a key
 * file, created once with mode 0600 and reused at every later start.
 */
export async function loadSigningKey(envValue: string | undefined, file: string): Promise<SigningKey> {
  if (envValue) return importSigningKey(JSON.parse(envValue) as JWK);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(await generateSigningKeyJwk())}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return importSigningKey(JSON.parse(readFileSync(file, 'utf8')) as JWK);
}
