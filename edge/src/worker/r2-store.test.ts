import { createHash } from 'node:crypto';
import type { R2Bucket } from '@cloudflare/workers-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../artifacts/artifact-store.ts';
import { R2ArtifactStore } from './r2-store.ts';

/*
 * The store's own logic against a bucket that keeps R2's rules (parts of one size but the last,
 * nothing visible before `complete`, the checksum of a single put checked). The real bucket, in
 * workerd with Miniflare's local R2, is in edge/src/worker.test.ts.
 */

type Upload = { key: string; parts: Map<number, Uint8Array>; state: 'open' | 'aborted' | 'completed' };

class RuleKeepingBucket {
  readonly objects = new Map<string, Uint8Array>();
  readonly uploads: Upload[] = [];
  singlePuts = 0;

  async head(key: string) {
    return this.objects.has(key) ? { key } : null;
  }

  async get(key: string, opts?: { range?: { offset: number; length: number } }) {
    const bytes = this.objects.get(key);
    if (!bytes) return null;
    const slice = opts?.range
      ? bytes.subarray(opts.range.offset, opts.range.offset + opts.range.length)
      : bytes;
    return { size: bytes.byteLength, body: streamOf([slice]) };
  }

  async put(key: string, value: ReadableStream<Uint8Array> | Uint8Array, opts?: { sha256?: string }) {
    const bytes = value instanceof ReadableStream ? await readAll(value) : value.slice();
    if (opts?.sha256 && sha256(bytes) !== opts.sha256) throw new Error('checksum mismatch');
    this.singlePuts += value instanceof ReadableStream ? 0 : 1;
    this.objects.set(key, bytes);
  }

  async delete(key: string) {
    this.objects.delete(key);
  }

  async createMultipartUpload(key: string) {
    const upload: Upload = { key, parts: new Map(), state: 'open' };
    this.uploads.push(upload);
    return {
      uploadPart: async (partNumber: number, value: Uint8Array) => {
        upload.parts.set(partNumber, value.slice());
        return { partNumber, etag: `etag-${partNumber}` };
      },
      abort: async () => {
        upload.state = 'aborted';
      },
      complete: async (parts: Array<{ partNumber: number }>) => {
        const bodies = parts.map((p) => upload.parts.get(p.partNumber) ?? new Uint8Array());
        const sizes = new Set(bodies.slice(0, -1).map((b) => b.byteLength));
        if (sizes.size > 1) throw new Error('all parts but the last must have the same size');
        this.objects.set(key, concat(bodies));
        upload.state = 'completed';
      },
    };
  }
}

/** workerd's `crypto.DigestStream`, made of node:crypto for these tests. */
class NodeDigestStream extends WritableStream<Uint8Array> {
  readonly digest: Promise<ArrayBuffer>;
  constructor(_algorithm: string) {
    const hash = createHash('sha256');
    let resolve: (digest: ArrayBuffer) => void = () => {};
    const digest = new Promise<ArrayBuffer>((ok) => {
      resolve = ok;
    });
    super({
      write: (chunk) => {
        hash.update(chunk);
      },
      close: () => resolve(new Uint8Array(hash.digest()).buffer),
    });
    this.digest = digest;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => new TextEncoder().encode(text);

function streamOf(chunks: Uint8Array[], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[i];
      if (failAfter !== undefined && i === failAfter) controller.error(new Error('client went away'));
      else if (chunk) controller.enqueue(chunk);
      else controller.close();
      i += 1;
    },
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

describe('R2ArtifactStore', () => {
  beforeAll(() => {
    Object.defineProperty(crypto, 'DigestStream', { value: NodeDigestStream, configurable: true });
  });
  afterAll(() => {
    Reflect.deleteProperty(crypto, 'DigestStream');
  });

  const storeOn = (bucket: RuleKeepingBucket, partBytes = 4) =>
    new R2ArtifactStore(bucket as unknown as R2Bucket, partBytes);

  it('writes a body smaller than a part in one put that R2 checks against its hash, and reads ranges of it', async () => {
    const bucket = new RuleKeepingBucket();
    const store = storeOn(bucket, 16);
    const stored = await store.put('tmp/a', streamOf([bytesOf('PK\x03'), bytesOf('\x04jar')]));
    expect(stored).toEqual({ size: 7, sha256: sha256(bytesOf('PK\x03\x04jar')) });
    expect(bucket.singlePuts).toBe(1);
    expect(bucket.uploads).toEqual([]);
    const range = await store.get('tmp/a', { offset: 4, length: 3 });
    expect(new TextDecoder().decode(await readAll(range ?? streamOf([])))).toBe('jar');
    expect(
      await readAll((await store.get('tmp/a', { offset: 2, length: 0 })) ?? streamOf([bytesOf('x')])),
    ).toEqual(new Uint8Array());
    expect(await store.exists('tmp/a')).toBe(true);
    expect(await store.get('tmp/none')).toBeNull();
  });

  it('sends a larger body in equal parts, whatever the chunks, visible only once complete', async () => {
    const bucket = new RuleKeepingBucket();
    const chunks = ['abc', 'defghij', 'klmno'].map(bytesOf);
    const stored = await storeOn(bucket).put('tmp/b', streamOf(chunks));
    expect(stored).toEqual({ size: 15, sha256: sha256(bytesOf('abcdefghijklmno')) });
    expect(bucket.uploads.map((u) => [u.state, [...u.parts.values()].map((p) => p.byteLength)])).toEqual([
      ['completed', [4, 4, 4, 3]],
    ]);
    expect(new TextDecoder().decode(bucket.objects.get('tmp/b'))).toBe('abcdefghijklmno');
  });

  it('aborts the upload when the stream fails halfway, leaving nothing at the key', async () => {
    const bucket = new RuleKeepingBucket();
    const store = storeOn(bucket);
    const chunks = ['abcdef', 'ghijkl', 'mn'].map(bytesOf);
    await expect(store.put('tmp/c', streamOf(chunks, 2))).rejects.toThrow('client went away');
    expect(bucket.uploads.map((u) => u.state)).toEqual(['aborted']);
    expect(await store.exists('tmp/c')).toBe(false);
  });

  it('moves by copy and delete, and refuses keys outside the store', async () => {
    const bucket = new RuleKeepingBucket();
    const store = storeOn(bucket);
    await store.put('tmp/d', streamOf([bytesOf('jar')]));
    await store.move('tmp/d', 'tenants/t1/apps/a1/v1.jar');
    expect([...bucket.objects.keys()]).toEqual(['tenants/t1/apps/a1/v1.jar']);
    await expect(store.move('tmp/d', 'x')).rejects.toThrow('no artifact at tmp/d');
    await store.delete('tenants/t1/apps/a1/v1.jar');
    expect(bucket.objects.size).toBe(0);
    await expect(store.put('../escape', streamOf([]))).rejects.toThrow('invalid artifact key');
  });
});
