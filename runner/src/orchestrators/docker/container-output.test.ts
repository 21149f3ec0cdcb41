import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { OutputLine } from '../output.ts';
import { followContainerOutput, rfc3339Nanos } from './container-output.ts';

function frame(stream: 1 | 2, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

/** Docker's multiplexed, timestamped log stream, split at awkward places. */
function fakeDocker(calls: unknown[]): Docker {
  return {
    getContainer: () => ({
      logs: async (opts: unknown) => {
        calls.push(opts);
        const stream = new PassThrough();
        const bytes = Buffer.concat([
          frame(1, '2024-05-01T10:00:00.1Z INFO one\n'),
          frame(2, '2024-05-01T10:00:00.2Z ERROR two\n'),
          frame(1, '2024-05-01T10:00:00.300000001Z three\n'),
        ]);
        stream.write(bytes.subarray(0, 13));
        stream.end(bytes.subarray(13));
        return stream;
      },
    }),
  } as unknown as Docker;
}

async function collect(lines: AsyncIterable<OutputLine>): Promise<OutputLine[]> {
  const out: OutputLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('followContainerOutput', () => {
  it('tells stdout from stderr, timestamps each line and resumes after a cursor', async () => {
    const calls: unknown[] = [];
    const signal = new AbortController().signal;
    const all = await collect(followContainerOutput(fakeDocker(calls), 'c1', { signal }));
    expect(all.map((l) => [l.stream, l.line])).toEqual([
      ['stdout', 'INFO one'],
      ['stderr', 'ERROR two'],
      ['stdout', 'three'],
    ]);
    expect(all[2]?.time).toBe('2024-05-01T10:00:00.300000001Z');

    const rest = await collect(
      followContainerOutput(fakeDocker(calls), 'c1', { after: all[1]?.cursor, signal }),
    );
    expect(rest.map((l) => l.line)).toEqual(['three']);
    expect(calls[1]).toMatchObject({ follow: true, timestamps: true, since: '1714557600.200000000' });
  });

  it('reads RFC 3339 times with trimmed fractions to the nanosecond', () => {
    expect(rfc3339Nanos('2024-05-01T10:00:00Z')).toBe(1714557600000000000n);
    expect(rfc3339Nanos('2024-05-01T10:00:00.000000001Z')).toBe(1714557600000000001n);
    expect(rfc3339Nanos('garbage')).toBe(0n);
  });
});
