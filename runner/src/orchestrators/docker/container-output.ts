import type Docker from 'dockerode';
import { type FollowOutputOptions, type OutputLine, rfc3339Nanos } from '../output.ts';

export { rfc3339Nanos } from '../output.ts';

/**
 * A container's stdout and stderr, told apart by the multiplexed stream's frame headers, each line
 * with Docker's timestamp, which is also the cursor: Docker resumes at `since` (inclusive), so lines
 * at or before the cursor's nanosecond are skipped. Ends when the container stops.
 */
export async function* followContainerOutput(
  docker: Docker,
  containerId: string,
  { after, signal }: FollowOutputOptions,
): AsyncGenerator<OutputLine> {
  const afterNanos = after ? rfc3339Nanos(after) : undefined;
  const stream = (await docker.getContainer(containerId).logs({
    follow: true,
    stdout: true,
    stderr: true,
    timestamps: true,
    since: afterNanos === undefined ? 0 : sinceArgument(afterNanos),
  })) as NodeJS.ReadableStream & { destroy(): void };
  const destroy = () => stream.destroy();
  signal.addEventListener('abort', destroy, { once: true });
  const partial = { stdout: '', stderr: '' };
  let pending = Buffer.alloc(0);
  try {
    if (signal.aborted) return;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = Buffer.concat([pending, chunk]);
      const lines: OutputLine[] = [];
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        const name = pending[0] === 2 ? 'stderr' : 'stdout';
        const text = partial[name] + pending.subarray(8, 8 + size).toString('utf8');
        pending = pending.subarray(8 + size);
        const parts = text.split('\n');
        partial[name] = parts.pop() ?? '';
        for (const part of parts) {
          const line = timestamped(part.replace(/\r$/, ''), name);
          if (line && (afterNanos === undefined || rfc3339Nanos(line.cursor) > afterNanos)) lines.push(line);
        }
      }
      yield* lines;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', destroy);
    destroy();
  }
}

function timestamped(raw: string, stream: 'stdout' | 'stderr'): OutputLine | undefined {
  const space = raw.indexOf(' ');
  const time = space === -1 ? raw : raw.slice(0, space);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(time)) return undefined;
  return { line: space === -1 ? '' : raw.slice(space + 1), stream, time, cursor: time };
}

/** Docker's `since` takes `seconds.nanoseconds`. */
function sinceArgument(nanos: bigint): string {
  return `${nanos / 1_000_000_000n}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')}`;
}
