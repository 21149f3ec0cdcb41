import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const tailWindowBytes = 1024 * 1024;
const followIntervalMs = 200;

/** The last `count` lines of a log file (looking at its last MiB at most); none when it does not exist. */
export async function tailLines(path: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const { text } = await readFrom(path, -tailWindowBytes);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-count);
}

export type FollowOptions = { tail: number; follow: boolean; signal?: AbortSignal };

/**
 * The last `tail` lines, then (when following) every new complete line until the signal aborts.
 * `currentPath` is asked on every poll, so following moves on to a new instance's file after a deploy.
 */
export async function* readLog(
  currentPath: () => string | undefined,
  { tail, follow, signal }: FollowOptions,
): AsyncGenerator<string> {
  let path = currentPath();
  if (path) yield* await tailLines(path, tail);
  if (!follow) return;
  let offset = path ? await size(path) : 0;
  let partial = '';
  while (!signal?.aborted) {
    const latest = currentPath();
    if (latest !== path) {
      path = latest;
      offset = 0;
      partial = '';
    }
    if (path) {
      const chunk = await readFrom(path, offset);
      offset = chunk.end;
      const lines = (partial + chunk.text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (signal?.aborted) return;
        yield line;
      }
    }
    await sleep(followIntervalMs, undefined, { signal }).catch(() => undefined);
  }
}

async function size(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

/** Reads from `offset` to the end (a negative offset counts from the end). */
async function readFrom(path: string, offset: number): Promise<{ text: string; end: number }> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return { text: '', end: Math.max(offset, 0) };
  }
  try {
    const { size: end } = await file.stat();
    const start = offset < 0 ? Math.max(end + offset, 0) : Math.min(offset, end);
    const buffer = Buffer.alloc(end - start);
    await file.read(buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8');
    if (offset < 0 && start > 0) text = text.slice(text.indexOf('\n') + 1);
    return { text, end };
  } finally {
    await file.close();
  }
}
