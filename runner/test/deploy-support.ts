/** Shared by the deploy tests: an HTTP server standing in for the edge's signed artifact URLs, and commands. */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignedCommand } from '@cameleer/shared';
import type { CommandHandlers, RunnerInfo } from '../src/commands/handlers.ts';
import type { AppRef } from '../src/orchestrators/orchestrator.ts';

export type ArtifactServer = {
  /** Serves the file at a fresh URL; returns the URL and the file's SHA-256. */
  serve(path: string): Promise<{ url: string; sha256: string }>;
  requests(): number;
  close(): Promise<void>;
};

export async function startArtifactServer(): Promise<ArtifactServer> {
  const files = new Map<string, Buffer>();
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/java-archive', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    async serve(path) {
      const body = await readFile(path);
      const name = `/artifacts/${randomUUID()}?sig=test`;
      files.set(name, body);
      return {
        url: `http://127.0.0.1:${port}${name}`,
        sha256: createHash('sha256').update(body).digest('hex'),
      };
    },
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function deployPayload(
  ref: AppRef,
  version: string,
  artifact: { url: string; sha256: string },
  healthCheck: { httpPath?: string; timeoutSeconds: number } = { httpPath: '/health', timeoutSeconds: 20 },
) {
  return {
    deploymentId: `dep-${version}-${randomUUID().slice(0, 8)}`,
    ref,
    version: { id: `ver-${version}`, label: version, sha256: artifact.sha256, artifactUrl: artifact.url },
    env: { GREETING: 'hello' },
    resources: { memoryMb: 256, cpus: 1, pids: 256 },
    writeableVolumes: ['/data'],
    healthCheck,
    private: false,
  };
}

const runnerInfo: RunnerInfo = {
  runnerId: 'run_test',
  version: 'test',
  capabilities: ['process'],
  uptimeSeconds: () => 0,
  transport: () => null,
  inventory: async () => [],
};

/** Runs a handler the way the executor does, with a fabricated verified command. */
export async function runCommand(
  handlers: CommandHandlers,
  kind: SignedCommand['kind'],
  payload: Record<string, unknown>,
  progress: string[] = [],
): Promise<unknown> {
  const handler = handlers[kind];
  if (!handler) throw new Error(`no handler for ${kind}`);
  const command: SignedCommand = {
    commandId: randomUUID(),
    tenantId: 'ten_test',
    runnerId: runnerInfo.runnerId,
    seq: 1,
    kind,
    payload,
  };
  return handler({
    command,
    runner: runnerInfo,
    progress: (m) => progress.push(m),
    signal: new AbortController().signal,
  });
}
