/**
 * The baseline a user would run by hand: the Dockerfile the runner renders (with its labels), `docker build`, `docker
 * run -d` with the runner's hardening flags, `docker port`, then GET the health path every 50 ms
 * until the first 200. All through the `docker` CLI.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderDockerfile } from '../runner/src/orchestrators/docker/image-builder.ts';
import { LABEL } from '../runner/src/orchestrators/docker/labels.ts';

const run = promisify(execFile);

export type BaselineRun = { totalMs: number; buildMs: number; runMs: number; healthyMs: number };

export const healthPath = '/health';
const pollMs = 50;

/** Same limits as a deployment's defaults (memory 512 MB, 1 CPU, 256 pids) and the orchestrator's hardening. */
const hardening = [
  '--read-only',
  '--tmpfs',
  '/tmp:rw,nosuid,nodev,size=256m',
  '--cap-drop',
  'ALL',
  '--security-opt',
  'no-new-privileges',
  '--pids-limit',
  '256',
  '--memory',
  '512m',
  '--memory-swap',
  '512m',
  '--cpus',
  '1',
  '--restart',
  'unless-stopped',
  '-e',
  'PORT=8080',
  '-e',
  'SERVER_PORT=8080',
];

export async function baselineDeploy(opts: {
  tag: string;
  appJar: string;
  agentJar: string;
  baseImage: string;
}): Promise<BaselineRun> {
  const context = await mkdtemp(join(tmpdir(), 'cameleer-bench-context-'));
  let container = '';
  try {
    const labels = { [LABEL.tenant]: 'bench', [LABEL.app]: 'baseline' };
    await writeFile(join(context, 'Dockerfile'), renderDockerfile({ baseImage: opts.baseImage, labels }));
    await copyFile(opts.agentJar, join(context, 'agent.jar'));
    await copyFile(opts.appJar, join(context, 'app.jar'));

    const start = performance.now();
    await docker('build', '-t', opts.tag, context);
    const built = performance.now();
    container = (await docker('run', '-d', ...hardening, '-p', '127.0.0.1::8080', opts.tag)).trim();
    const address = (await docker('port', container, '8080/tcp')).trim().split('\n')[0];
    const ran = performance.now();
    await firstOk(`http://${address}${healthPath}`, 60_000);
    const healthy = performance.now();
    return { totalMs: healthy - start, buildMs: built - start, runMs: ran - built, healthyMs: healthy - ran };
  } finally {
    if (container) await docker('rm', '-f', container).catch(() => {});
    await docker('rmi', '-f', opts.tag).catch(() => {});
    await rm(context, { recursive: true, force: true });
  }
}

async function firstOk(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      async (res) => {
        await res.body?.cancel();
        return res.ok;
      },
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`baseline: ${url} gave no 200 within ${timeoutMs / 1000} s`);
}

async function docker(...args: string[]): Promise<string> {
  try {
    return (await run('docker', args, { timeout: 120_000 })).stdout;
  } catch (err) {
    throw new Error(`docker ${args[0]} failed: ${(err as { stderr?: string }).stderr ?? err}`);
  }
}
