import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { volumeName } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../../edge/test/fixtures.ts';
import { uploadJar } from '../../../edge/test/jars.ts';
import { until } from '../../../edge/test/runners.ts';
import { buildSampleJar } from '../../test/java-fixtures.ts';
import { runRunnerCli } from '../../test/runner-cli.ts';
import { registerRunner } from '../registration.ts';
import { readIdentity } from '../state/identity.ts';
import { stateFiles } from '../state/state-dir.ts';

const bin = fileURLToPath(new URL('../../bin/cameleer-runner.js', import.meta.url));
const tenantSlug = 'backed-up';

/**
 * The test, on the real runner binary with the process orchestrator: back up under a
 * running app, wipe the state directory (and so the app's volume), restore, start: the same runner
 * comes back online, no command runs again, and the volume holds what it held.
 */
describe('backup and restore of a running runner', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let runner: ChildProcess | undefined;
  let token = '';
  const root = mkdtempSync(join(tmpdir(), 'cameleer-backup-e2e-'));
  const stateDir = join(root, 'state');
  const archive = join(root, 'backup.tar.gz');
  const volumeDir = join(
    stateDir,
    'apps',
    'volumes',
    volumeName({ tenant: tenantSlug, environment: 'dev', app: 'shop' }, '/data'),
  );

  const startRunner = () => {
    runner = spawn(process.execPath, [bin, 'start', '--state-dir', stateDir, '--quiet'], {
      env: {
        ...process.env,
        CAMELEER_ORCHESTRATOR: 'process',
        CAMELEER_FRONT_PORT: 'off',
        CAMELEER_CLICKHOUSE_URL: '',
      },
      stdio: 'ignore',
    });
  };
  const stopRunner = async () => {
    const child = runner;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/${tenantSlug}/${path}`, { token, ...init });
  const runners = async () =>
    ((await (await api('runners')).json()) as { items: Array<{ id: string; status: string }> }).items;
  const online = async () => (await runners()).some((r) => r.status === 'online');
  const appPids = (): number[] => {
    const state = JSON.parse(readFileSync(join(stateDir, 'apps', 'state.json'), 'utf8')) as {
      apps: Record<string, { current?: { pid?: number } }>;
    };
    return Object.values(state.apps).flatMap((a) => (a.current?.pid ? [a.current.pid] : []));
  };
  const logged = (text: string) => readFileSync(stateFiles(stateDir).log, 'utf8').split(text).length - 1;
  const commandsStarted = () => logged('command started');
  const finishedDeploys = () => {
    const lines = readFileSync(stateFiles(stateDir).journal, 'utf8').trim().split('\n');
    const journal = lines.map(
      (l) => JSON.parse(l) as { op: string; commandId: string; kind?: string; outcome?: { status: string } },
    );
    const deploys = new Set(
      journal.filter((l) => l.op === 'start' && l.kind === 'deploy').map((l) => l.commandId),
    );
    return journal.filter((l) => l.op === 'finish' && deploys.has(l.commandId)).map((l) => l.outcome?.status);
  };

  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    token = (await edge.tenant(tenantSlug)).tokens.admin;
    const { token: registration } = (await (
      await api('runner-tokens', { method: 'POST', json: {} })
    ).json()) as {
      token: string;
    };
    await registerRunner({ edgeUrl: server.url, token: registration, stateDir, name: 'backed-up' });
    startRunner();
    await until(online, 30_000, 'the runner online');
  }, 120_000);

  afterAll(async () => {
    if (runner && runner.exitCode === null) {
      await api('apps/shop/remove', { method: 'POST', json: { environment: 'dev' } }).catch(() => {});
      await until(
        async () => existsSync(join(stateDir, 'apps', 'state.json')) && appPids().length === 0,
        30_000,
      ).catch(() => {});
    }
    await stopRunner();
    for (const pid of existsSync(join(stateDir, 'apps', 'state.json')) ? appPids() : []) killGroup(pid);
    await server?.close();
    await edge?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('comes back as the same runner, runs no command again, and has its volume back', async () => {
    expect(
      (await api('apps', { method: 'POST', json: { name: 'shop', writeableVolumes: ['/data'] } })).status,
    ).toBe(201);
    const jar = new Uint8Array(readFileSync(await buildSampleJar({ version: '1' })));
    expect(
      (await uploadJar(edge, `/api/tenants/${tenantSlug}/apps/shop/versions?label=1`, token, jar)).status,
    ).toBe(201);
    const deployment = (await (
      await api('apps/shop/deployments', { method: 'POST', json: { environment: 'dev' } })
    ).json()) as {
      id: string;
    };
    await until(
      async () => {
        const d = (await (await api(`deployments/${deployment.id}`)).json()) as { state: string };
        if (d.state === 'FAILED') throw new Error('the deployment failed');
        return d.state === 'RUNNING';
      },
      90_000,
      'the app running',
    );
    mkdirSync(volumeDir, { recursive: true });
    writeFileSync(join(volumeDir, 'orders.csv'), 'order-1,3\norder-2,5\n');
    const runnerId = readIdentity(stateDir).runnerId;
    const started = commandsStarted();
    expect(started).toBeGreaterThan(0);

    const backup = await runRunnerCli(['backup', '--state-dir', stateDir, '--to', archive]);
    expect(backup.stderr).toMatch(/state directory: \d+ files/);
    expect(backup).toMatchObject({ code: 0, stdout: `${archive}\n` });

    await stopRunner();
    for (const pid of appPids()) killGroup(pid);
    rmSync(stateDir, { recursive: true, force: true });

    const restore = await runRunnerCli(['restore', archive, '--state-dir', stateDir]);
    expect(restore.stderr).toMatch(/every checksum matches/);
    expect(restore.code).toBe(0);
    expect(readFileSync(join(volumeDir, 'orders.csv'), 'utf8')).toBe('order-1,3\norder-2,5\n');
    expect(finishedDeploys()).toEqual(['succeeded']);

    const connections = logged('connected to the edge');
    startRunner();
    await until(() => logged('connected to the edge') > connections, 30_000, 'the restored runner connected');
    await until(online, 30_000, 'the restored runner online');
    expect(readIdentity(stateDir).runnerId).toBe(runnerId);
    expect((await runners()).map((r) => r.id)).toEqual([runnerId]);
    // Connected, its inventory reconciled: whatever the edge sent again was answered from the journal.
    expect(commandsStarted()).toBe(started);
    expect(finishedDeploys()).toEqual(['succeeded']);
    expect(readFileSync(join(volumeDir, 'orders.csv'), 'utf8')).toBe('order-1,3\norder-2,5\n');
  }, 240_000);
});

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch {
      // already gone, or not a group leader
    }
  }
}
