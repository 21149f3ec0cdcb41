import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSecretBox } from './secrets-key.ts';

describe('secrets key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cameleer-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a key file once, mode 0600, and opens its own values after a restart', async () => {
    const file = join(dir, 'keys', 'secrets.key');
    const first = await loadSecretBox(undefined, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    const sealed = await first.seal('value', 'ctx');
    const again = await loadSecretBox(undefined, file);
    expect(readFileSync(file, 'utf8')).toBe(key);
    expect(await again.open(sealed, 'ctx')).toBe('value');
  });

  it('prefers CAMELEER_SECRETS_KEY and refuses a short one', async () => {
    const value = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    const fromEnv = await loadSecretBox(value, join(dir, 'unused.key'));
    const sealed = await fromEnv.seal('value', 'ctx');
    expect(await (await loadSecretBox(value, join(dir, 'unused.key'))).open(sealed, 'ctx')).toBe('value');
    await expect(
      loadSecretBox(undefined, join(dir, 'keys', 'secrets.key')).then((b) => b.open(sealed, 'ctx')),
    ).rejects.toThrow();
    await expect(loadSecretBox(Buffer.alloc(16).toString('base64url'), join(dir, 'x.key'))).rejects.toThrow(
      /32 bytes/,
    );
  });
});
