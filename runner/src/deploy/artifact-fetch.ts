/**
 * Downloads an app version's JAR from the edge's signed, short-lived URL into the state dir,
 * streamed and hashed on the way; a file whose hash does not match is never kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CommandFailed } from '../commands/handlers.ts';
import type { Progress } from '../orchestrators/orchestrator.ts';
import { type HttpFetch, proxiedFetch } from '../proxy/http-client.ts';

export type ArtifactFetchInput = {
  stateDir: string;
  url: string;
  sha256: string;
  progress: Progress;
  fetch?: HttpFetch;
  timeoutMs?: number;
};

const progressEveryBytes = 8 * 1024 * 1024;

export function artifactPath(stateDir: string, sha256: string): string {
  return join(stateDir, 'artifacts', `${sha256}.jar`);
}

/** Returns the local path of the verified JAR, downloading it unless a matching copy is cached. */
export async function fetchArtifact(input: ArtifactFetchInput): Promise<string> {
  const path = artifactPath(input.stateDir, input.sha256);
  if ((await fileSha256(path)) === input.sha256) {
    input.progress(`artifact ${input.sha256.slice(0, 12)} already on this machine`);
    return path;
  }
  await mkdir(join(input.stateDir, 'artifacts'), { recursive: true, mode: 0o700 });
  const partial = `${path}.${randomBytes(4).toString('hex')}.part`;
  try {
    const digest = await download(input, partial);
    if (digest !== input.sha256) throw new CommandFailed('artifact checksum mismatch');
    await rename(partial, path);
    return path;
  } finally {
    await rm(partial, { force: true });
  }
}

async function download(input: ArtifactFetchInput, to: string): Promise<string> {
  const res = await (input.fetch ?? proxiedFetch)(input.url, {
    signal: AbortSignal.timeout(input.timeoutMs ?? 10 * 60_000),
  }).catch((err: Error) => {
    throw new CommandFailed(`artifact download failed: ${err.message}`);
  });
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new CommandFailed(`artifact download failed: HTTP ${res.status}`);
  }
  const total = Number(res.headers.get('content-length')) || undefined;
  input.progress(`downloading artifact${total ? ` (${megabytes(total)})` : ''}`);
  const hash = createHash('sha256');
  let received = 0;
  let reported = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      received += chunk.length;
      if (received - reported >= progressEveryBytes) {
        reported = received;
        input.progress(`downloaded ${megabytes(received)}${total ? ` of ${megabytes(total)}` : ''}`);
      }
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body), meter, createWriteStream(to, { mode: 0o600 })).catch(
    (err: Error) => {
      throw new CommandFailed(`artifact download failed: ${err.message}`);
    },
  );
  input.progress(`downloaded ${megabytes(received)}`);
  return hash.digest('hex');
}

async function fileSha256(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(path), hash);
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
