import { execFile } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { access, chmod, constants, copyFile, link, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { type HttpFetch, proxiedFetch } from '../proxy/http-client.ts';

const run = promisify(execFile);

export const previousOf = (executable: string) => `${executable}.previous`;

/**
 * Downloads next to the executable (same filesystem, so the swap is a rename) under a name that
 * is not the executable's; the caller removes it when it is refused.
 */
export async function download(
  url: string,
  executable: string,
  fetch: HttpFetch = proxiedFetch,
): Promise<string> {
  const target = join(dirname(executable), `.${basename(executable)}.download-${process.pid}`);
  const writable = await access(dirname(executable), constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable)
    throw new Error(
      `cannot write next to ${executable}: run update as the user that owns it (e.g. with sudo); nothing was replaced`,
    );
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`downloading ${url} answered ${res.status}`);
  try {
    await pipeline(
      Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
      createWriteStream(target, { mode: 0o700 }),
    );
  } catch (err) {
    await rm(target, { force: true });
    throw new Error(`downloading ${url} broke off: ${err instanceof Error ? err.message : String(err)}`);
  }
  return target;
}

/** Whether the file runs and says it is `version`: a build that does not start is never swapped in. */
export async function reportsVersion(
  executable: string,
  version: string,
): Promise<{ ok: boolean; said: string }> {
  await chmod(executable, 0o755);
  try {
    const { stdout } = await run(executable, ['--version'], { timeout: 60_000 });
    return { ok: stdout.trim() === version, said: stdout.trim() };
  } catch (err) {
    return { ok: false, said: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) };
  }
}

/**
 * Swaps `staged` in as `executable` with one rename, which is atomic: at every moment the path is
 * the old or the new build, never half of one. The old one is kept as `*.previous` (a hard link, so
 * keeping it costs no copy).
 */
export async function swapIn(staged: string, executable: string): Promise<void> {
  const previous = previousOf(executable);
  await rm(previous, { force: true });
  await link(executable, previous).catch(() => copyFile(executable, previous));
  await rename(staged, executable);
}

/** Puts `*.previous` back, again with one rename. */
export async function restorePrevious(executable: string): Promise<boolean> {
  const previous = previousOf(executable);
  if (!existsSync(previous)) return false;
  await rename(previous, executable);
  return true;
}
