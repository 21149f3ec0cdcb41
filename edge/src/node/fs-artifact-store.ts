import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { type ArtifactStore, assertArtifactKey, type ByteRange } from '../artifacts/artifact-store.ts';

/** Artifacts as files under one directory; writes land in a sibling temp file and are renamed into place. */
export class FileArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    assertArtifactKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: ReadableStream<Uint8Array>) {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomUUID()}.partial`;
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.byteLength;
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
        hashing,
        createWriteStream(partial, { flags: 'wx' }),
      );
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { size, sha256: hash.digest('hex') };
  }

  async get(key: string, range?: ByteRange) {
    const path = this.path(key);
    if (!(await this.exists(key))) return null;
    if (range && range.length <= 0) return new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const file = createReadStream(
      path,
      range ? { start: range.offset, end: range.offset + range.length - 1 } : undefined,
    );
    return Readable.toWeb(file) as unknown as ReadableStream<Uint8Array>;
  }

  async move(from: string, to: string) {
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    await rename(this.path(from), target);
  }

  async delete(key: string) {
    await rm(this.path(key), { force: true });
  }

  async exists(key: string) {
    const path = this.path(key);
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  }
}
