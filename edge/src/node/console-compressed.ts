/**
 * The console's files compressed once, when the console is built (scripts/console-build.ts), into
 * `dist/.compressed/`: brotli at its best level takes seconds for the console's scripts, which
 * `npm start` would otherwise pay on every start before it answers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

const suffix: Record<Encoding, string> = { br: '.br', gzip: '.gz' };
const compress: Record<Encoding, (body: Buffer) => Buffer> = {
  br: (body) => brotliCompressSync(body),
  gzip: (body) => gzipSync(body, { level: 9 }),
};

const sidecar = (dir: string, path: string, encoding: Encoding) =>
  join(dir, '.compressed', `${path}${suffix[encoding]}`);

/** Writes both encodings of `path` (relative to the console's `dir`, starting with `/`). */
export function writeCompressed(dir: string, path: string, body: Buffer): void {
  for (const encoding of ['br', 'gzip'] as const) {
    const file = sidecar(dir, path, encoding);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, compress[encoding](body));
  }
}

/** The encoding written at build time, else compressed now (a console built before sidecars existed). */
export function readCompressed(dir: string, path: string, body: Buffer, encoding: Encoding): Buffer {
  const file = sidecar(dir, path, encoding);
  return existsSync(file) ? readFileSync(file) : compress[encoding](body);
}
