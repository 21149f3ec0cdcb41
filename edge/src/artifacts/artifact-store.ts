/** What a store wrote: the byte count and SHA-256 (hex) of exactly those bytes. */
export type StoredObject = { size: number; sha256: string };

export type ByteRange = { offset: number; length: number };

/**
 * Where artifact bytes live: the filesystem on Node, R2 on Workers, memory in unit tests.
 * Keys are relative paths of `[a-z0-9_.-]` segments separated by `/`.
 */
export interface ArtifactStore {
  /** Writes the stream to `key`, hashing as it goes; a failed or aborted stream leaves nothing at `key`. */
  put(key: string, body: ReadableStream<Uint8Array>): Promise<StoredObject>;
  /** The bytes at `key` (or a range of them), or null when there are none. */
  get(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null>;
  /** Renames within the store (a validated upload leaving its temporary key). */
  move(from: string, to: string): Promise<void>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

const keyPattern = /^[a-z0-9_][a-z0-9_.-]*(\/[a-z0-9_][a-z0-9_.-]*)*$/i;

/** Refuses keys that could leave the store's root (`..`, absolute paths, odd characters). */
export function assertArtifactKey(key: string): void {
  if (!keyPattern.test(key) || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`invalid artifact key: ${key}`);
  }
}

/** Reads a whole (small) stream: a range of an artifact, never a whole upload. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
