import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecretBox, decodeSecretsKey, type SecretBox } from '../secrets/secret-box.ts';

/**
 * The box of configuration secrets: its key from the environment (base64url,
 * at least 32 bytes; every edge on one database needs the same) or from a key
 * file made once with mode 0600. Losing the key loses every stored secret.
 */
export async function loadSecretBox(envValue: string | undefined, file: string): Promise<SecretBox> {
  if (envValue) return createSecretBox(decodeSecretsKey(envValue));
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return createSecretBox(decodeSecretsKey(readFileSync(file, 'utf8').trim()));
}
