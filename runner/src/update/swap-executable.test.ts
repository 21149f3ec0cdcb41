import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { previousOf, reportsVersion, restorePrevious, swapIn } from './swap-executable.ts';

let dir: string;
const script = (version: string) => `#!/bin/sh\necho ${version}\n`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cameleer-swap-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('swaps the new build in by rename, keeps the old one as .previous, and puts it back', async () => {
  const exe = join(dir, 'cameleer-runner');
  const staged = join(dir, '.cameleer-runner.download-1');
  await writeFile(exe, script('0.1.0'), { mode: 0o755 });
  await writeFile(staged, script('0.2.0'));
  expect(await reportsVersion(staged, '0.2.0')).toEqual({ ok: true, said: '0.2.0' });
  expect((await reportsVersion(staged, '0.3.0')).ok).toBe(false);

  await swapIn(staged, exe);
  expect(existsSync(staged)).toBe(false);
  expect(await readFile(exe, 'utf8')).toBe(script('0.2.0'));
  expect(await readFile(previousOf(exe), 'utf8')).toBe(script('0.1.0'));

  expect(await restorePrevious(exe)).toBe(true);
  expect(await readFile(exe, 'utf8')).toBe(script('0.1.0'));
  expect(existsSync(previousOf(exe))).toBe(false);
  expect(await restorePrevious(exe)).toBe(false);
});

it('says what a build that does not start said', async () => {
  const broken = join(dir, 'broken');
  await writeFile(broken, '#!/bin/sh\necho "no" >&2\nexit 3\n');
  const check = await reportsVersion(broken, '0.2.0');
  expect(check.ok).toBe(false);
  expect(check.said).toMatch(/Command failed/);
});
