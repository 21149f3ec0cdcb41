import { describe, expect, it } from 'vitest';
import { createSecretBox, decodeSecretsKey, SealedValueError } from './secret-box.ts';

const randomKey = () => crypto.getRandomValues(new Uint8Array(32));

describe('secret box', () => {
  it('opens what it sealed, with a fresh IV every time', async () => {
    const box = await createSecretBox(randomKey());
    const a = await box.seal('hunter2 ✓', 'tnt_1/KEY');
    const b = await box.seal('hunter2 ✓', 'tnt_1/KEY');
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(await box.open(a, 'tnt_1/KEY')).toBe('hunter2 ✓');
    expect(await box.open(b, 'tnt_1/KEY')).toBe('hunter2 ✓');
  });

  it('refuses a tampered ciphertext, IV or format', async () => {
    const box = await createSecretBox(randomKey());
    const sealed = await box.seal('value', 'ctx');
    const [v, iv, data] = sealed.split('.') as [string, string, string];
    const flip = (s: string) => `${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`;
    for (const bad of [
      `${v}.${iv}.${flip(data)}`,
      `${v}.${flip(iv)}.${data}`,
      `v2.${iv}.${data}`,
      `${v}.${iv}`,
      `${sealed}.x`,
      'garbage',
    ]) {
      await expect(box.open(bad, 'ctx'), bad).rejects.toBeInstanceOf(SealedValueError);
    }
  });

  it('refuses another context (row, layer or tenant) and another key', async () => {
    const key = randomKey();
    const box = await createSecretBox(key);
    const sealed = await box.seal('value', 'tnt_a/app_1/KEY');
    await expect(box.open(sealed, 'tnt_b/app_1/KEY')).rejects.toBeInstanceOf(SealedValueError);
    await expect(box.open(sealed, 'tnt_a/app_1/OTHER')).rejects.toBeInstanceOf(SealedValueError);
    const other = await createSecretBox(randomKey());
    await expect(other.open(sealed, 'tnt_a/app_1/KEY')).rejects.toBeInstanceOf(SealedValueError);
    expect(await (await createSecretBox(key.slice())).open(sealed, 'tnt_a/app_1/KEY')).toBe('value');
  });

  it('accepts only base64url keys of 32 bytes or more', async () => {
    const encoded = Buffer.from(randomKey()).toString('base64url');
    expect(decodeSecretsKey(encoded).byteLength).toBe(32);
    expect(() => decodeSecretsKey(Buffer.from(new Uint8Array(16)).toString('base64url'))).toThrow(/32 bytes/);
    expect(() => decodeSecretsKey('not base64url!')).toThrow(/base64url/);
    await expect(createSecretBox(new Uint8Array(31))).rejects.toThrow(/32 bytes/);
  });
});
