import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactServer,
  deployPayload,
  runCommand,
  startArtifactServer,
} from '../../test/deploy-support.ts';
import { watchUrl } from '../../test/front-switch.ts';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { FrontProxy, fetchApp, openFront } from '../front/index.ts';
import { type AppRef, type Instance, volumeName } from '../orchestrators/orchestrator.ts';
import { ProcessOrchestrator } from '../orchestrators/process/index.ts';
import { openDeployments } from './choose-orchestrator.ts';
import { deployHandlers } from './deploy-handlers.ts';

const ref: AppRef = { tenant: 'acme', environment: 'dev', app: 'orders' };
const front = new FrontProxy({ host: '127.0.0.1', port: 0, domain: 'localhost' });
const options = { drainMs: 1_500, stopGraceMs: 3_000, restartBackoffMs: 200, maxRestarts: 2 };
let stateDir: string;
let artifacts: ArtifactServer;
const opened: ProcessOrchestrator[] = [];

async function openOrchestrator(): Promise<ProcessOrchestrator> {
  const orchestrator = await ProcessOrchestrator.open({
    stateDir: join(stateDir, 'apps'),
    ...options,
    onSwitch: (instance) => {
      if (instance.url) front.route(instance.ref, instance.url);
    },
  });
  opened.push(orchestrator);
  return orchestrator;
}

beforeAll(async () => {
  await front.listen();
  stateDir = await mkdtemp(join(tmpdir(), 'cameleer-process-front-'));
  artifacts = await startArtifactServer();
});

afterAll(async () => {
  const cleaner = await openOrchestrator();
  for (const instance of await cleaner.list()) await cleaner.remove(instance.ref);
  for (const orchestrator of opened) await orchestrator.close();
  await front.close();
  await artifacts?.close();
  await rm(stateDir, { recursive: true, force: true });
}, 60_000);

type Deployed = { state: string; instance: Instance & { directUrl?: string } };

describe('apps as processes behind the front', { timeout: 120_000 }, () => {
  it('keep one URL across versions and runner restarts, with no failed request during a switch', async () => {
    const orchestrator = await openOrchestrator();
    const handlers = deployHandlers({
      orchestrator,
      stateDir,
      agentJarPath: await buildTestAgentJar(),
      front,
    });
    const deploy = async (version: string) =>
      (await runCommand(
        handlers,
        'deploy',
        deployPayload(ref, version, await artifacts.serve(await buildSampleJar({ version }))),
      )) as Deployed;

    const v1 = await deploy('1');
    const url = `http://orders.dev.acme.localhost:${front.port}`;
    expect(v1.instance).toMatchObject({
      url,
      directUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const stored = await fetchApp(`${url}/files/note.txt`, { method: 'PUT', body: 'kept' });
    expect(stored.status).toBe(201);

    const watcher = watchUrl(`${url}/`);
    await sleep(300);
    const v2 = await deploy('2');
    await sleep(300);
    const { bodies, failures } = await watcher.stop();
    expect(failures).toEqual([]);
    expect(v2.instance.url).toBe(url);
    expect(bodies[0]).toContain('version 1');
    expect(bodies.at(-1)).toContain('version 2');
    expect(await (await fetchApp(`${url}/files/note.txt`)).text()).toBe('kept');

    // A new runner process: its front learns the routes from what runs.
    await orchestrator.close();
    const restarted = await openOrchestrator();
    const second = await openFront({ host: '127.0.0.1', port: 0, domain: 'localhost' }, restarted);
    try {
      const again = `http://orders.dev.acme.localhost:${second?.front.port}/`;
      expect(await (await fetchApp(again)).text()).toContain('version 2');
    } finally {
      await second?.close();
    }

    const after = deployHandlers({
      orchestrator: restarted,
      stateDir,
      agentJarPath: await buildTestAgentJar(),
      front,
    });
    await runCommand(after, 'remove', { ref });
    expect((await fetchApp(`${url}/`)).status).toBe(404);
    expect(existsSync(join(stateDir, 'apps', 'volumes', volumeName(ref, '/data')))).toBe(false);
  });

  it('is wired by openDeployments: results and inventory carry the front URL, unless the front is off', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cameleer-open-deployments-'));
    const env = {
      ...process.env,
      CAMELEER_ORCHESTRATOR: 'process',
      CAMELEER_AGENT_JAR: await buildTestAgentJar(),
      CAMELEER_FRONT_PORT: '0',
      CAMELEER_FRONT_DOMAIN: 'apps.localhost',
    };
    const app = { ...ref, app: 'wired' };
    const deployments = await openDeployments({ stateDir: dir, env });
    let off: Awaited<ReturnType<typeof openDeployments>>;
    try {
      const front = deployments?.front;
      if (!deployments || !front) throw new Error('no deployments with a front');
      const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
      const out = (await runCommand(
        deployments.handlers,
        'deploy',
        deployPayload(app, '1', artifact),
      )) as Deployed;
      const url = `http://wired.dev.acme.apps.localhost:${front.port}`;
      expect(out.instance.url).toBe(url);
      expect(await (await fetchApp(`${url}/`)).text()).toContain('version 1');
      expect(await deployments.inventory()).toEqual([
        expect.objectContaining({ name: 'acme/dev/wired', labels: expect.objectContaining({ url }) }),
      ]);

      // The runner restarts with the front off: apps answer at their direct URLs.
      await deployments.close();
      off = await openDeployments({ stateDir: dir, env: { ...env, CAMELEER_FRONT_PORT: 'off' } });
      expect(off?.front).toBeUndefined();
      const status = (await runCommand(off?.handlers ?? {}, 'status', { ref: app })) as Deployed;
      expect(status.instance.url).toBe(out.instance.directUrl);
      await runCommand(off?.handlers ?? {}, 'remove', { ref: app });
    } finally {
      await deployments?.close();
      await off?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
