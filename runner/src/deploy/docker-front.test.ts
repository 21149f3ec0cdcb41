import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactServer,
  deployPayload,
  runCommand,
  startArtifactServer,
} from '../../test/deploy-support.ts';
import { ensureJreImage, testDocker } from '../../test/docker-fixtures.ts';
import { watchUrl } from '../../test/front-switch.ts';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { FrontProxy, fetchApp } from '../front/index.ts';
import { DockerOrchestrator, imageTag, networkName } from '../orchestrators/docker/index.ts';
import { type AppRef, type Instance, volumeName } from '../orchestrators/orchestrator.ts';
import { deployHandlers } from './deploy-handlers.ts';

const docker = testDocker();
const ref: AppRef = { tenant: `t${randomBytes(3).toString('hex')}`, environment: 'dev', app: 'orders' };
const front = new FrontProxy({ host: '127.0.0.1', port: 0, domain: 'localhost' });
const orchestrator = new DockerOrchestrator({
  docker,
  domain: 'apps.test',
  drainMs: 1_500,
  stopTimeoutSeconds: 5,
  onSwitch: (instance) => {
    if (instance.url) front.route(instance.ref, instance.url);
  },
});
let stateDir: string;
let artifacts: ArtifactServer;

type Deployed = { state: string; instance: Instance & { directUrl?: string } };

beforeAll(async () => {
  await ensureJreImage(docker);
  await front.listen();
  stateDir = await mkdtemp(join(tmpdir(), 'cameleer-docker-front-'));
  artifacts = await startArtifactServer();
}, 180_000);

afterAll(async () => {
  await orchestrator.remove(ref).catch(() => {});
  for (const version of ['ver-1', 'ver-2']) {
    await docker
      .getImage(imageTag(ref.tenant, ref.app, version))
      .remove({ force: true })
      .catch(() => {});
  }
  await docker
    .getNetwork(networkName(ref))
    .remove()
    .catch(() => {});
  await front.close();
  await artifacts?.close();
  await rm(stateDir, { recursive: true, force: true });
}, 60_000);

describe('apps on Docker behind the front', { timeout: 240_000 }, () => {
  it('keep one URL across versions, switch with no failed request, and write to their volumes', async () => {
    const handlers = deployHandlers({
      orchestrator,
      stateDir,
      agentJarPath: await buildTestAgentJar(),
      front,
    });
    const v1 = (await runCommand(
      handlers,
      'deploy',
      deployPayload(ref, '1', await artifacts.serve(await buildSampleJar({ version: '1' }))),
    )) as Deployed;

    const url = `http://orders.dev.${ref.tenant}.localhost:${front.port}`;
    expect(v1.instance.url).toBe(url);
    expect(v1.instance.directUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetchApp(`${url}/`)).text()).toContain('version 1');

    // /data is a fresh named volume, absent from the image: the app user (10001) must own it.
    const stored = await fetchApp(`${url}/files/note.txt`, { method: 'PUT', body: 'written by v1' });
    expect(await stored.text()).toContain('stored /data/note.txt');
    expect(stored.status).toBe(201);

    const watcher = watchUrl(`${url}/`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const v2 = (await runCommand(
      handlers,
      'deploy',
      deployPayload(ref, '2', await artifacts.serve(await buildSampleJar({ version: '2' }))),
    )) as Deployed;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { bodies, failures } = await watcher.stop();

    expect(failures).toEqual([]);
    expect(v2.instance.url).toBe(url);
    expect(v2.instance.directUrl).not.toBe(v1.instance.directUrl);
    expect(bodies[0]).toContain('version 1');
    expect(bodies.at(-1)).toContain('version 2');
    expect(await (await fetchApp(`${url}/`)).text()).toContain('version 2');
    expect(await (await fetchApp(`${url}/files/note.txt`)).text()).toBe('written by v1');

    // The engine may publish a restarted container on another port: the front follows.
    const restarted = (await runCommand(handlers, 'restart', { ref })) as Deployed;
    expect(restarted).toMatchObject({ state: 'RUNNING', instance: { url } });
    expect(await (await fetchApp(`${url}/files/note.txt`)).text()).toBe('written by v1');

    await runCommand(handlers, 'stop', { ref });
    expect((await fetchApp(`${url}/`)).status).toBe(503);

    await runCommand(handlers, 'remove', { ref });
    expect((await fetchApp(`${url}/`)).status).toBe(404);
    const { Volumes } = await docker.listVolumes({ filters: { name: [volumeName(ref, '/data')] } });
    expect(Volumes ?? []).toEqual([]);
    const inits = await docker.listContainers({ all: true, filters: { label: ['cameleer.volume-init'] } });
    expect(inits).toEqual([]);
  });
});
