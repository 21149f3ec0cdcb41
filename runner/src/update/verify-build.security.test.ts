import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PublishedRelease } from './edge-releases.ts';
import { sha256OfFile, signRelease } from './release-signature.ts';
import { verifyBuild } from './verify-build.ts';

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    jwk: JSON.stringify(privateKey.export({ format: 'jwk' })),
    x: publicKey.export({ format: 'jwk' }).x ?? '',
  };
};
const release = keyPair();
const other = keyPair();
let dir: string;
let file: string;
let signed: PublishedRelease;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cameleer-verify-'));
  file = join(dir, 'build');
  await writeFile(file, 'a runner build');
  const facts = { version: '0.2.0', platform: 'linux-x64', sha256: await sha256OfFile(file) };
  signed = { ...facts, size: 14, signature: signRelease(release.jwk, facts), url: 'http://edge/x' };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('accepts the build the release key signed', async () => {
  await expect(verifyBuild(file, signed, release.x)).resolves.toBe(signed.sha256);
});

it('refuses a build whose bytes are not the announced ones, a signature by another key, and a signature of another version or platform', async () => {
  const cases: Array<[PublishedRelease, string, RegExp]> = [
    [{ ...signed, sha256: '0'.repeat(64) }, release.x, /its SHA-256 is \w+, the edge announced 0+/],
    [signed, other.x, /the release signature does not verify/],
    [
      { ...signed, signature: signRelease(other.jwk, signed) },
      release.x,
      /the release signature does not verify/,
    ],
    // A genuine signature of 0.2.0 does not make the same bytes pass as 0.3.0 (no version games).
    [{ ...signed, version: '0.3.0' }, release.x, /the release signature does not verify/],
    [{ ...signed, platform: 'linux-arm64' }, release.x, /built for linux-arm64/],
    [{ ...signed, signature: 'not base64 at all!' }, release.x, /the release signature does not verify/],
  ];
  for (const [announced, key, reason] of cases) {
    const refusal = verifyBuild(file, announced, key);
    await expect(refusal).rejects.toThrow(reason);
    await expect(refusal).rejects.toThrow(/nothing was replaced/);
  }
});
