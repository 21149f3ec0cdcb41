import { type ArtifactStore, assertArtifactKey, type ByteRange, readAll, toHex } from './artifact-store.ts';

/** Keeps artifacts in a Map: for unit tests and throw-away edges. */
export class MemoryArtifactStore implements ArtifactStore {
  readonly objects = new Map<string, Uint8Array>();

  async put(key: string, body: ReadableStream<Uint8Array>) {
    assertArtifactKey(key);
    const bytes = await readAll(body);
    this.objects.set(key, bytes);
    return { size: bytes.byteLength, sha256: toHex(await crypto.subtle.digest('SHA-256', bytes)) };
  }

  async get(key: string, range?: ByteRange) {
    assertArtifactKey(key);
    const bytes = this.objects.get(key);
    if (!bytes) return null;
    const slice = range ? bytes.subarray(range.offset, range.offset + range.length) : bytes;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(slice.slice());
        controller.close();
      },
    });
  }

  async move(from: string, to: string) {
    assertArtifactKey(from);
    assertArtifactKey(to);
    const bytes = this.objects.get(from);
    if (!bytes) throw new Error(`no artifact at ${from}`);
    this.objects.set(to, bytes);
    this.objects.delete(from);
  }

  async delete(key: string) {
    assertArtifactKey(key);
    this.objects.delete(key);
  }

  async exists(key: string) {
    assertArtifactKey(key);
    return this.objects.has(key);
  }
}
