import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../edge/test/fixtures.ts';
import { uploadJar } from '../../edge/test/jars.ts';
import { serveRunnerReleases } from '../../edge/test/runner-releases.ts';
import { until } from '../../edge/test/runners.ts';
import { buildRunnerBinary, type RunnerBinary } from '../../scripts/build-runner-binary.ts';
import { signRelease } from '../src/update/release-signature.ts';
import { buildSampleJar } from './java-fixtures.ts';
import { fetchApp } from './runner-internals.ts';

/** Processes whose command line names the state dir: the JVMs of the runner's process apps. */
function jvmsOf(stateDir: string): number[] {
  if (!stateDir) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const isJava = basename(readlinkSync(`/proc/${pid}/exe`)) === 'java';
        return isJava && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(stateDir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

type Run = { code: number | null; stdout: string; stderr: string };

/**
 * The single-file runner as a user gets it: built by the script, copied out of the repository,
 * run with no Node and no node_modules in reach (PATH holds the JDK's bin only, cwd under /tmp).
 * One edge, one tenant and the two builds (0.1.0 and 0.2.0, signed with a throwaway release key)
 * are shared by the deploy and the update.
 */
describe('single-file runner', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let tenant: Awaited<ReturnType<TestEdge['tenant']>>;
  let home: string;
  let releases: string;
  let exe: string;
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  let old: RunnerBinary;
  let newer: RunnerBinary;
  let runner: ChildProcess | undefined;
  let signingKeyJwk = '';

  const cli = (args: string[], timeoutMs = 120_000) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(exe, args, {
        cwd: home,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: timeoutMs,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/sfr/${path}`, { token: tenant.tokens.admin, ...init });
  const runnerView = async () =>
    ((await (await api('runners')).json()) as { items: Array<Record<string, unknown>> }).items[0] ?? {};
  const statusPid = () =>
    (JSON.parse(readFileSync(join(stateDir, 'status.json'), 'utf8')) as { pid: number; running: boolean })
      .pid;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'cameleer-single-file-'));
    releases = join(home, 'releases');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signingKey = join(home, 'release-signing.jwk');
    writeFileSync(signingKey, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
    const publicKeyX = publicKey.export({ format: 'jwk' }).x ?? '';
    const build = (version: string) =>
      buildRunnerBinary({
        version,
        publicKey: publicKeyX,
        signingKeyFile: signingKey,
        outDir: join(releases, version),
        log: () => {},
      });
    [old, newer] = await Promise.all([build('0.1.0'), build('0.2.0')]);
    signingKeyJwk = readFileSync(signingKey, 'utf8');

    mkdirSync(join(home, 'bin'));
    exe = join(home, 'bin', 'cameleer-runner');
    copyFileSync(old.path, exe);
    execFileSync('chmod', ['+x', exe]);
    stateDir = join(home, 'state');
    const java = realpathSync(execFileSync('sh', ['-c', 'command -v java']).toString().trim());
    env = {
      PATH: dirname(java),
      HOME: home,
      CAMELEER_ORCHESTRATOR: 'process',
      CAMELEER_FRONT_PORT: 'off',
    };

    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    tenant = await edge.tenant('sfr');
  }, 240_000);

  afterAll(async () => {
    await stopRunner();
    await server?.close();
    await edge?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** Stops whichever runner runs from the state dir (the test's child or the one `update` started), and its apps' JVMs. */
  async function stopRunner() {
    const pids = [runner?.pid, existsSync(join(stateDir ?? '', 'status.json')) ? statusPid() : undefined];
    for (const pid of pids) if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
    await until(() => pids.every((pid) => !pid || !alive(pid)), 30_000, 'the runner stopped');
    // Process apps outlive the runner by design: their JVMs (run from the state dir) are ours to end here.
    for (const pid of jvmsOf(stateDir ?? '')) process.kill(pid, 'SIGKILL');
  }

  const startRunner = async () => {
    runner = spawn(exe, ['start', '--quiet', '--state-dir', stateDir], { cwd: home, env, stdio: 'ignore' });
    await until(async () => (await runnerView()).status === 'online', 60_000, 'the runner online');
  };

  it('registers, starts and deploys the sample app on the process orchestrator, with no Node or node_modules in reach', async () => {
    expect(existsSync(join(home, 'node_modules'))).toBe(false);
    expect((await cli(['--version'])).stdout.trim()).toBe('0.1.0');
    const { token } = (await (await api('runner-tokens', { method: 'POST', json: {} })).json()) as {
      token: string;
    };
    const registered = await cli([
      'register',
      '--url',
      server.url,
      '--token',
      token,
      '--state-dir',
      stateDir,
    ]);
    expect(registered.stderr).toBe('');
    expect(registered.stdout).toMatch(/Registered runner/);
    await startRunner();
    expect(await runnerView()).toMatchObject({
      version: '0.1.0',
      capabilities: expect.arrayContaining(['process']),
    });

    expect((await api('apps', { method: 'POST', json: { name: 'orders' } })).status).toBe(201);
    const jar = new Uint8Array(readFileSync(await buildSampleJar({ version: '7' })));
    expect(
      (await uploadJar(edge, '/api/tenants/sfr/apps/orders/versions?label=7', tenant.tokens.developer, jar))
        .status,
    ).toBe(201);
    const deployed = (await (
      await api('apps/orders/deployments', { method: 'POST', json: { environment: 'dev' } })
    ).json()) as {
      id: string;
    };
    let deployment = { state: '', url: null as string | null, reason: '' };
    await until(
      async () => {
        deployment = (await (await api(`deployments/${deployed.id}`)).json()) as typeof deployment;
        return ['RUNNING', 'FAILED'].includes(deployment.state);
      },
      90_000,
      'a final state',
    );
    expect(deployment).toMatchObject({ state: 'RUNNING' });
    const answer = await fetchApp(deployment.url ?? '');
    expect(answer.status).toBe(200);

    await stopRunner();
    expect(runner?.exitCode ?? runner?.signalCode).not.toBeNull();
  }, 240_000);

  it('status and the API say an update is required; a tampered build is refused and nothing changes', async () => {
    serveRunnerReleases(edge, releases, { minimum: '0.2.0', latest: '0.2.0' });
    await startRunner();
    const status = await cli(['status', '--state-dir', stateDir]);
    expect(status.stdout).toMatch(
      /version: +0\.1\.0: update required, the edge supports runners from 0\.2\.0 on; run `cameleer-runner update`/,
    );
    expect(await runnerView()).toMatchObject({ updateRequired: true, minimumVersion: '0.2.0' });

    const served = join(releases, '0.2.0', 'cameleer-runner-linux-x64');
    const manifest = `${served}.release.json`;
    const good = readFileSync(manifest, 'utf8');
    const pid = statusPid();
    copyFileSync(served, `${served}.good`);
    try {
      // Bytes changed on the way: the digest tells.
      execFileSync('sh', ['-c', `printf 'X' | dd of='${served}' bs=1 seek=1000 conv=notrunc status=none`]);
      const tampered = await cli(['update', '--state-dir', stateDir]);
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toMatch(
        /refused the downloaded runner: its SHA-256 is \w+, the edge announced \w+; nothing was replaced/,
      );
      // An edge that announces the tampered build's digest: the signature tells.
      const sha256 = execFileSync('sha256sum', [served]).toString().split(' ')[0];
      writeFileSync(manifest, JSON.stringify({ ...JSON.parse(good), sha256 }));
      const forged = await cli(['update', '--state-dir', stateDir]);
      expect(forged.stderr).toMatch(/the release signature does not verify/);
    } finally {
      copyFileSync(`${served}.good`, served);
      writeFileSync(manifest, good);
      rmSync(`${served}.good`);
    }
    expect(execFileSync('sha256sum', [exe]).toString().split(' ')[0]).toBe(old.sha256);
    expect(existsSync(`${exe}.previous`)).toBe(false);
    expect(alive(pid)).toBe(true);
    expect((await cli(['--version'])).stdout.trim()).toBe('0.1.0');
  }, 120_000);

  it('update fetches 0.2.0, verifies it, swaps it in and restarts the runner on it', async () => {
    const before = statusPid();
    const updated = await cli(['update', '--state-dir', stateDir]);
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/verified: SHA-256 \w+ and the release signature/);
    expect(updated.stdout).toMatch(/The runner runs 0\.2\.0 \(pid \d+\)/);
    expect((await cli(['--version'])).stdout.trim()).toBe('0.2.0');
    expect(execFileSync('sha256sum', [exe]).toString().split(' ')[0]).toBe(newer.sha256);
    expect(
      execFileSync('sha256sum', [`${exe}.previous`])
        .toString()
        .split(' ')[0],
    ).toBe(old.sha256);
    expect(alive(before)).toBe(false);
    expect(alive(statusPid())).toBe(true);
    await until(async () => (await runnerView()).version === '0.2.0', 60_000, 'the runner back on 0.2.0');
    expect(await runnerView()).toMatchObject({ status: 'online', updateRequired: false });
  }, 180_000);

  it('puts the previous build back and starts it again when the new one does not start', async () => {
    // Signed and answering --version like a real build, but `start` fails: only the restart can tell.
    const dir = join(releases, '0.3.0');
    mkdirSync(dir);
    const broken = join(dir, 'cameleer-runner-linux-x64');
    writeFileSync(
      broken,
      '#!/bin/sh\n[ "$1" = --version ] && { echo 0.3.0; exit 0; }\necho "no start" >&2; exit 1\n',
      {
        mode: 0o755,
      },
    );
    const sha256 = execFileSync('sha256sum', [broken]).toString().split(' ')[0] ?? '';
    const facts = { version: '0.3.0', platform: 'linux-x64', sha256 };
    const signature = signRelease(signingKeyJwk, facts);
    writeFileSync(`${broken}.release.json`, JSON.stringify({ ...facts, size: 80, signature }));

    const before = statusPid();
    const failed = await cli(['update', '--to', '0.3.0', '--state-dir', stateDir], 240_000);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/did not start on 0\.3\.0: the previous version is restored/);
    expect(alive(before)).toBe(false);
    expect((await cli(['--version'])).stdout.trim()).toBe('0.2.0');
    await until(
      () => statusPid() !== before && alive(statusPid()),
      60_000,
      'the previous build running again',
    );
    await until(async () => (await runnerView()).status === 'online', 60_000, 'the runner back online');
  }, 300_000);
});
