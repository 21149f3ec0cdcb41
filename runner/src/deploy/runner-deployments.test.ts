import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deployPayload, startArtifactServer } from '../../test/deploy-support.ts';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { registeredRunner, until } from '../../test/runner-fixture.ts';
import type { Runner } from '../runner.ts';

const ref = { tenant: 'acme', environment: 'dev', app: 'orders' };
let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
  vi.unstubAllEnvs();
});

describe('a runner with deployments', { timeout: 120_000 }, () => {
  it('deploys through the tunnel and reports what runs as inventory after a restart', async () => {
    vi.stubEnv('CAMELEER_ORCHESTRATOR', 'process');
    vi.stubEnv('CAMELEER_AGENT_JAR', await buildTestAgentJar());
    const { edge, stateDir, make } = await registeredRunner({ deployments: true, capabilities: undefined });
    const artifacts = await startArtifactServer();
    const runners: Runner[] = [];
    cleanup.push(async () => {
      const last = make();
      await last.start();
      await last.connected();
      const remove = await edge.command('remove', { ref });
      await until(() => edge.resultFor(remove.commandId).length === 1, 30_000);
      await last.stop();
      for (const runner of runners) await runner.stop();
      await artifacts.close();
      await edge.stop();
      await rm(stateDir, { recursive: true, force: true });
    });

    const first = make();
    runners.push(first);
    await first.start();
    await first.connected();
    expect(edge.framesOf('hello')[0]).toMatchObject({ capabilities: ['process'], inventory: [] });

    const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
    const deploy = await edge.command('deploy', deployPayload(ref, '1', artifact));
    await until(() => edge.resultFor(deploy.commandId).length === 1, 60_000);
    expect(edge.resultFor(deploy.commandId)[0]).toMatchObject({
      status: 'succeeded',
      output: { state: 'RUNNING', instance: { state: 'running', version: 'ver-1' } },
    });
    const messages = edge
      .framesOf('progress')
      .filter((p) => p.commandId === deploy.commandId)
      .map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining(['stage:BUILDING', 'stage:STARTING']));
    await first.stop();

    const second = make();
    runners.push(second);
    await second.start();
    await second.connected();
    expect(edge.framesOf('hello').at(-1)?.inventory).toEqual([
      expect.objectContaining({ kind: 'app', name: 'acme/dev/orders', state: 'running' }),
    ]);
    await second.stop();
  });
});
