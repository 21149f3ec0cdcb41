import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/**
 * The edge's command keys, newest first: every `command-*.jwk` in `dir`, the
 * name sorting last signing. Rotate by adding a newer file and restarting;
 * remove the old one once every runner has connected since. One is made on first start.
 */
export function loadCommandKeys(envValue: string | undefined, dir: string): Promise<SigningKey[]> {
  return loadKeyRing(envValue, dir, 'command');
}

/** The edge's licence keys, newest first, from `licence-*.jwk` files: rotated like the command keys. */
export function loadLicenceKeys(envValue: string | undefined, dir: string): Promise<SigningKey[]> {
  return loadKeyRing(envValue, dir, 'licence');
}

async function loadKeyRing(envValue: string | undefined, dir: string, kind: string): Promise<SigningKey[]> {
  if (envValue) {
    const jwks = JSON.parse(envValue) as JWK | JWK[];
    return Promise.all((Array.isArray(jwks) ? jwks : [jwks]).map((jwk) => importSigningKey(jwk)));
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = () =>
    readdirSync(dir)
      .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.jwk'))
      .sort()
      .reverse();
  if (!files().length)
    await loadSigningKey(undefined, join(dir, `${kind}-${new Date().toISOString().slice(0, 10)}.jwk`));
  return Promise.all(files().map((f) => loadSigningKey(undefined, join(dir, f))));
}
