import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, describe, expect } from 'vitest';
import {
  type ArtifactServer,
  deployPayload,
  runCommand,
  startArtifactServer,
} from '../../test/deploy-support.ts';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { CommandFailed, type CommandHandlers } from '../commands/handlers.ts';
import type { AppRef, Instance } from '../orchestrators/orchestrator.ts';
import { ProcessOrchestrator } from '../orchestrators/process/index.ts';
import { artifactPath } from './artifact-fetch.ts';
import { inventoryItem } from './choose-orchestrator.ts';
import { deployHandlers, stage } from './deploy-handlers.ts';

type Fixtures = {
  stateDir: string;
  orchestrator: ProcessOrchestrator;
  handlers: CommandHandlers;
  artifacts: ArtifactServer;
};

const ref: AppRef = { tenant: 'acme', environment: 'dev', app: 'orders' };

/** Each test gets its own state dir and orchestrator; teardown removes every app it started. */
const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  stateDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'cameleer-deploy-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  orchestrator: async ({ stateDir }, use) => {
    const orchestrator = await ProcessOrchestrator.open({
      stateDir: join(stateDir, 'apps'),
      drainMs: 300,
      stopGraceMs: 2_000,
      restartBackoffMs: 200,
      maxRestarts: 2,
    });
    await use(orchestrator);
    for (const instance of await orchestrator.list()) await orchestrator.remove(instance.ref);
    await orchestrator.close();
  },
  handlers: async ({ orchestrator, stateDir }, use) => {
    await use(deployHandlers({ orchestrator, stateDir, agentJarPath: await buildTestAgentJar() }));
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  artifacts: async ({}, use) => {
    const server = await startArtifactServer();
    await use(server);
    await server.close();
  },
});

type Deployed = { state: string; instance: Instance };

async function answer(instance: Instance): Promise<string> {
  const res = await fetch(`${instance.url}/`, { signal: AbortSignal.timeout(3_000) });
  return res.text();
}

async function deploy(
  handlers: CommandHandlers,
  artifacts: ArtifactServer,
  version: string,
  opts: { broken?: boolean; progress?: string[] } = {},
): Promise<Deployed> {
  const artifact = await artifacts.serve(await buildSampleJar({ version, broken: opts.broken }));
  return (await runCommand(
    handlers,
    'deploy',
    deployPayload(ref, version, artifact),
    opts.progress,
  )) as Deployed;
}

describe('deploy handlers on the process orchestrator', { timeout: 120_000 }, () => {
  test('deploys a version: stages, verified artifact, RUNNING, answering', async ({
    handlers,
    artifacts,
    orchestrator,
    stateDir,
  }) => {
    const progress: string[] = [];
    const { state, instance } = await deploy(handlers, artifacts, '1', { progress });

    expect(state).toBe('RUNNING');
    expect(instance).toMatchObject({ ref, state: 'running', version: 'ver-1' });
    expect(await answer(instance)).toContain('version 1');
    const building = progress.indexOf(stage.building);
    const starting = progress.indexOf(stage.starting);
    expect(building).toBe(0);
    expect(starting).toBeGreaterThan(building);
    expect(progress.slice(building + 1, starting).join('\n')).toMatch(/downloaded \d+\.\d MB/);
    expect(await readdir(join(stateDir, 'artifacts'))).toHaveLength(1);
    expect((await orchestrator.list()).map(inventoryItem)).toEqual([
      {
        kind: 'app',
        name: 'acme/dev/orders',
        state: 'running',
        labels: { deploymentId: instance.deploymentId, version: 'ver-1', url: instance.url },
      },
    ]);
  });

  test('reuses a cached artifact whose hash matches', async ({ handlers, artifacts, stateDir }) => {
    const jar = await buildSampleJar({ version: '1' });
    const artifact = await artifacts.serve(jar);
    await runCommand(handlers, 'deploy', deployPayload(ref, '1', artifact));
    expect(artifacts.requests()).toBe(1);

    const progress: string[] = [];
    await runCommand(handlers, 'deploy', deployPayload(ref, '1', artifact), progress);
    expect(artifacts.requests()).toBe(1);
    expect(progress.join('\n')).toContain('already on this machine');
    expect(existsSync(artifactPath(stateDir, artifact.sha256))).toBe(true);
  });

  test('a checksum mismatch fails the command and keeps nothing', async ({
    handlers,
    artifacts,
    orchestrator,
    stateDir,
  }) => {
    const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
    const wrong = { ...artifact, sha256: 'a'.repeat(64) };

    const run = runCommand(handlers, 'deploy', deployPayload(ref, '1', wrong));
    await expect(run).rejects.toThrow(CommandFailed);
    await expect(run).rejects.toThrow('artifact checksum mismatch');
    expect(await readdir(join(stateDir, 'artifacts'))).toEqual([]);
    expect(await orchestrator.status(ref)).toBeUndefined();
  });

  test('a bad payload fails the command with what is wrong', async ({ handlers }) => {
    const payload = { ...deployPayload(ref, '1', { url: 'http://x/a.jar', sha256: '../../etc/passwd' }) };
    await expect(runCommand(handlers, 'deploy', payload)).rejects.toThrow(/invalid payload: version\.sha256/);
    await expect(runCommand(handlers, 'status', { ref: { ...ref, app: '../x' } })).rejects.toThrow(
      CommandFailed,
    );
  });

  test('v2 replaces v1; a broken v3 fails with its log line and v2 keeps answering', async ({
    handlers,
    artifacts,
  }) => {
    const v1 = await deploy(handlers, artifacts, '1');
    const v2 = await deploy(handlers, artifacts, '2');
    expect(await answer(v2.instance)).toContain('version 2');
    expect(v2.instance.url).not.toBe(v1.instance.url);

    const broken = deploy(handlers, artifacts, '3', { broken: true });
    await expect(broken).rejects.toThrow(CommandFailed);
    await expect(broken).rejects.toThrow(/^health check failed/);
    await expect(broken).rejects.toThrow('cannot start: broken build');
    expect(await answer(v2.instance)).toContain('version 2');
    const status = (await runCommand(handlers, 'status', { ref })) as { instance: Instance };
    expect(status.instance).toMatchObject({ version: 'ver-2', state: 'running' });
  });

  test('stop, restart, status, logs and remove', async ({ handlers, artifacts }) => {
    await deploy(handlers, artifacts, '1');

    const logs = (await runCommand(handlers, 'logs', { ref, tail: 50 })) as { lines: string[] };
    expect(logs.lines).toContain('cameleer-agent attached');
    expect(logs.lines.join('\n')).toContain('sample-app 1 started');
    const short = (await runCommand(handlers, 'logs', { ref, tail: 1 })) as { lines: string[] };
    expect(short.lines).toHaveLength(1);

    expect(await runCommand(handlers, 'stop', { ref })).toMatchObject({
      state: 'STOPPED',
      instance: { state: 'stopped' },
    });
    const restarted = (await runCommand(handlers, 'restart', { ref })) as Deployed;
    expect(restarted).toMatchObject({ state: 'RUNNING', instance: { state: 'running', version: 'ver-1' } });
    expect(await answer(restarted.instance)).toContain('version 1');

    expect(await runCommand(handlers, 'remove', { ref })).toEqual({ state: 'REMOVED' });
    expect(await runCommand(handlers, 'status', { ref })).toEqual({ instance: null });
    expect(await runCommand(handlers, 'logs', { ref })).toEqual({ lines: [] });
  });
});
