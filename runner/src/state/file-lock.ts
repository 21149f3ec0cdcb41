/** An exclusive lock across processes on one machine, for work that must happen once (building a shared image). */
import { open, rm, stat } from 'node:fs/promises';

/** A lock older than this belongs to a holder that died. */
const staleMs = 5 * 60_000;

export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + staleMs;
  for (;;) {
    try {
      await (await open(path, 'wx')).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleMs) await rm(path, { force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
