/** Docker's multiplexed log stream (8-byte frame headers, no TTY) as text lines. */

export async function* demuxLines(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncIterable<string> {
  let pending = Buffer.alloc(0);
  let partial = '';
  for await (const chunk of chunks) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      partial += pending.subarray(8, 8 + size).toString('utf8');
      pending = pending.subarray(8 + size);
    }
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) yield line.replace(/\r$/, '');
  }
  if (partial) yield partial;
}

export async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}
