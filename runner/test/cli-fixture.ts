import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEdge, listenTestEdge } from '../../edge/test/fixtures.ts';

const bin = fileURLToPath(new URL('../bin/cameleer.js', import.meta.url));

export type CliRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the real `cameleer` binary in a child process. Asynchronous on purpose: the
 * edge it talks to is served by the test process, which must keep answering.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('CAMELEER_')),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A temporary directory for one test's config file; `remove` deletes it. */
export async function tempConfigDir(): Promise<{ dir: string; config: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cameleer-cli-'));
  return {
    dir,
    config: join(dir, 'cameleer', 'config.json'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A loopback URL nothing listens on: a port that was free a moment ago. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

type Role = 'owner' | 'admin' | 'developer' | 'viewer';

/**
 * A test edge served over HTTP with one tenant and a temporary config file, logged in there with
 * the tenant's token of `loginAs` when one is given. `cli` runs `cameleer` with that config.
 */
export async function startCliEdge(opts: { tenant?: string; loginAs?: Role } = {}) {
  const edge = await createTestEdge('pglite');
  const server = await listenTestEdge(edge);
  const temp = await tempConfigDir();
  const close = async () => {
    await server.close();
    await edge.close();
    await temp.remove();
  };
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { CAMELEER_CONFIG: temp.config, ...env });
  try {
    const tenant = await edge.tenant(opts.tenant ?? 'acme');
    if (opts.loginAs) {
      const login = await cli(['login', '--url', server.url, '--token', tenant.tokens[opts.loginAs]]);
      if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
    }
    return { edge, server, tenant, temp, cli, close };
  } catch (error) {
    await close();
    throw error;
  }
}
