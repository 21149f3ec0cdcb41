import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FollowOutputOptions, OutputLine } from '../output.ts';

const maxReadBytes = 1024 * 1024;
const pollMs = 200;

/**
 * Every complete line of an instance's log file from byte `after` (the cursor is the byte offset
 * after a line), then every new one until the signal aborts. A file that shrank was replaced: it is
 * read from its start again.
 */
export async function* followOutputFile(
  path: string,
  { after, signal }: FollowOutputOptions,
): AsyncGenerator<OutputLine> {
  let offset = parseOffset(after);
  while (!signal.aborted) {
    const chunk = await readLines(path, offset);
    if (chunk.restart) {
      offset = 0;
      continue;
    }
    for (const { line, end } of chunk.lines) {
      if (signal.aborted) return;
      offset = end;
      yield { line, cursor: String(end) };
    }
    if (chunk.lines.length === 0 || !chunk.more) {
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  }
}

function parseOffset(after: string | undefined): number {
  const offset = Number(after ?? 0);
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : 0;
}

type Chunk = { lines: { line: string; end: number }[]; more: boolean; restart: boolean };

async function readLines(path: string, offset: number): Promise<Chunk> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return { lines: [], more: false, restart: false };
  }
  try {
    const { size } = await file.stat();
    if (size < offset) return { lines: [], more: false, restart: true };
    const length = Math.min(size - offset, maxReadBytes);
    if (length === 0) return { lines: [], more: false, restart: false };
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, offset);
    const data = buffer.subarray(0, bytesRead);
    let complete = data.lastIndexOf(0x0a) + 1;
    // A line longer than one read is cut there rather than never read.
    if (complete === 0 && bytesRead === maxReadBytes) complete = bytesRead;
    const lines: Chunk['lines'] = [];
    let start = 0;
    while (start < complete) {
      const newline = data.indexOf(0x0a, start);
      const stop = newline === -1 || newline >= complete ? complete : newline;
      const end = newline === -1 || newline >= complete ? complete : newline + 1;
      lines.push({ line: data.subarray(start, stop).toString('utf8').replace(/\r$/, ''), end: offset + end });
      start = end;
    }
    return { lines, more: offset + complete < size, restart: false };
  } finally {
    await file.close();
  }
}
