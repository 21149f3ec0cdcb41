import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateSigningKeyJwk, importSigningKey, type SigningKey } from '@cameleer/shared';
import type { JWK } from 'jose';

/**
 * A signing key from the configuration (a private JWK) or from a key
 * file, created once with mode 0600 and reused at every later start.
 */
export async function loadSigningKey(configured: JWK | undefined, file: string): Promise<SigningKey> {
  if (configured) return importSigningKey(configured);
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
export function loadCommandKeys(configured: readonly JWK[] | undefined, dir: string): Promise<SigningKey[]> {
  return loadKeyRing(configured, dir, 'command');
}

/** The edge's licence keys, newest first, from `licence-*.jwk` files: rotated like the command keys. */
export function loadLicenceKeys(configured: readonly JWK[] | undefined, dir: string): Promise<SigningKey[]> {
  return loadKeyRing(configured, dir, 'licence');
}

async function loadKeyRing(
  configured: readonly JWK[] | undefined,
  dir: string,
  kind: string,
): Promise<SigningKey[]> {
  if (configured) return Promise.all(configured.map((jwk) => importSigningKey(jwk)));
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
