import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll } from '../artifacts/artifact-store.ts';
import { MemoryArtifactStore } from '../artifacts/memory-store.ts';
import { FileArtifactStore } from './fs-artifact-store.ts';

const root = mkdtempSync(join(tmpdir(), 'cameleer-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
      c.close();
    },
  });
const text = async (s: ReadableStream<Uint8Array> | null) =>
  s ? new TextDecoder().decode(await readAll(s)) : null;

describe.each([
  ['filesystem', () => new FileArtifactStore(root)],
  ['memory', () => new MemoryArtifactStore()],
])('%s artifact store', (_kind, make) => {
  it('puts with size and SHA-256, reads ranges, moves and deletes', async () => {
    const store = make();
    expect(await store.put('tmp/a', streamOf('hello ', 'world'))).toEqual({
      size: 11,
      sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    });
    expect(await text(await store.get('tmp/a', { offset: 6, length: 5 }))).toBe('world');
    await store.move('tmp/a', 'final/a.jar');
    expect(await store.exists('tmp/a')).toBe(false);
    expect(await text(await store.get('final/a.jar'))).toBe('hello world');
    await store.delete('final/a.jar');
    expect(await store.get('final/a.jar')).toBeNull();
  });

  it('leaves nothing behind when the stream fails, and refuses keys leaving its root', async () => {
    const store = make();
    const failing = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(10));
        c.error(new Error('client went away'));
      },
    });
    await expect(store.put('tmp/b', failing)).rejects.toThrow();
    expect(await store.exists('tmp/b')).toBe(false);
    await expect(store.put('../escape', streamOf('x'))).rejects.toThrow(/invalid artifact key/);
    await expect(store.exists('/etc/passwd')).rejects.toThrow(/invalid artifact key/);
  });
});

it('keeps no partial files in the filesystem store after a failed write', () => {
  expect(readdirSync(join(root, 'tmp')).filter((f) => f.endsWith('.partial'))).toEqual([]);
});
