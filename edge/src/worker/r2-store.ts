import type { DigestStream, R2Bucket, R2MultipartUpload, R2UploadedPart } from '@cloudflare/workers-types';
import { type ArtifactStore, assertArtifactKey, type ByteRange, toHex } from '../artifacts/artifact-store.ts';

/** R2's multipart rule: every part but the last has the same size, at least 5 MiB. */
export const defaultPartBytes = 8 * 1024 * 1024;

type DigestStreamClass = typeof DigestStream;

/**
 * Artifacts in an R2 bucket (Workers). An upload of unknown length cannot be
 * one streamed `put` (R2 wants the length first) nor sit in memory whole (a
 * Worker has 128 MB), so it goes up in fixed-size parts and becomes visible at
 * its key only when the multipart upload completes; a failed stream aborts it.
 */
export class R2ArtifactStore implements ArtifactStore {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly partBytes = defaultPartBytes,
  ) {}

  async put(key: string, body: ReadableStream<Uint8Array>) {
    assertArtifactKey(key);
    const hashing = new (digestStreamClass())('SHA-256');
    const hasher = hashing.getWriter();
    const part = new Uint8Array(this.partBytes);
    let filled = 0;
    let size = 0;
    let upload: R2MultipartUpload | undefined;
    const parts: R2UploadedPart[] = [];
    const flush = async () => {
      upload ??= await this.bucket.createMultipartUpload(key);
      parts.push(await upload.uploadPart(parts.length + 1, part.slice(0, filled)));
      filled = 0;
    };
    try {
      for await (const chunk of body) {
        await hasher.write(chunk);
        size += chunk.byteLength;
        let at = 0;
        while (at < chunk.byteLength) {
          const n = Math.min(chunk.byteLength - at, part.byteLength - filled);
          part.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === part.byteLength) await flush();
        }
      }
      await hasher.close();
      const sha256 = toHex(await hashing.digest);
      if (upload) {
        if (filled > 0) await flush();
        await upload.complete(parts);
      } else {
        // Small enough for one request, and R2 checks the bytes against the hash on arrival.
        await this.bucket.put(key, part.subarray(0, filled), { sha256 });
      }
      return { size, sha256 };
    } catch (err) {
      await upload?.abort().catch(() => {});
      throw err;
    }
  }

  async get(key: string, range?: ByteRange) {
    assertArtifactKey(key);
    if (range && range.length <= 0) {
      return (await this.exists(key)) ? new ReadableStream<Uint8Array>({ start: (c) => c.close() }) : null;
    }
    const object = await this.bucket.get(key, range ? { range } : undefined);
    return object ? (object.body as unknown as ReadableStream<Uint8Array>) : null;
  }

  /** R2 has no rename: the bytes are streamed to the new key (its length is known), then the old key goes. */
  async move(from: string, to: string) {
    assertArtifactKey(from);
    assertArtifactKey(to);
    const object = await this.bucket.get(from);
    if (!object) throw new Error(`no artifact at ${from}`);
    await this.bucket.put(to, object.body);
    await this.bucket.delete(from);
  }

  async delete(key: string) {
    assertArtifactKey(key);
    await this.bucket.delete(key);
  }

  async exists(key: string) {
    assertArtifactKey(key);
    return (await this.bucket.head(key)) !== null;
  }
}

/** workerd's streaming hash (`crypto.DigestStream`): a JAR is hashed as it passes, never held whole. */
function digestStreamClass(): DigestStreamClass {
  const found = (crypto as unknown as { DigestStream?: DigestStreamClass }).DigestStream;
  if (!found) throw new Error('crypto.DigestStream is missing: the R2 artifact store runs on Workers only');
  return found;
}
