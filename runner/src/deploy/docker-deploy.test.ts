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
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { DockerOrchestrator, imageTag, networkName } from '../orchestrators/docker/index.ts';
import type { AppRef, Instance } from '../orchestrators/orchestrator.ts';
import { chooseOrchestrator } from './choose-orchestrator.ts';
import { deployHandlers, stage } from './deploy-handlers.ts';

const docker = testDocker();
const ref: AppRef = { tenant: `t${randomBytes(3).toString('hex')}`, environment: 'dev', app: 'orders' };
const orchestrator = new DockerOrchestrator({ docker, domain: 'apps.test', drainMs: 200 });
let stateDir: string;
let artifacts: ArtifactServer;

beforeAll(async () => {
  await ensureJreImage(docker);
  stateDir = await mkdtemp(join(tmpdir(), 'cameleer-deploy-docker-'));
  artifacts = await startArtifactServer();
}, 180_000);

afterAll(async () => {
  await orchestrator.remove(ref).catch(() => {});
  await docker
    .getImage(imageTag(ref.tenant, ref.app, 'ver-1'))
    .remove({ force: true })
    .catch(() => {});
  await docker
    .getNetwork(networkName(ref))
    .remove()
    .catch(() => {});
  await artifacts?.close();
  await rm(stateDir, { recursive: true, force: true });
}, 60_000);

describe('deploy handlers on Docker', { timeout: 180_000 }, () => {
  it('chooses Docker when the engine answers', async () => {
    expect((await chooseOrchestrator({ stateDir }))?.kind).toBe('docker');
  });

  it('builds the image, streams its output, and runs v1', async () => {
    const handlers = deployHandlers({ orchestrator, stateDir, agentJarPath: await buildTestAgentJar() });
    const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
    const progress: string[] = [];

    const out = (await runCommand(handlers, 'deploy', deployPayload(ref, '1', artifact), progress)) as {
      state: string;
      instance: Instance;
    };

    expect(out).toMatchObject({ state: 'RUNNING', instance: { ref, state: 'running', version: 'ver-1' } });
    const res = await fetch(`${out.instance.url}/`, { signal: AbortSignal.timeout(3_000) });
    expect(await res.text()).toContain('version 1');
    const starting = progress.indexOf(stage.starting);
    expect(progress.indexOf(stage.building)).toBe(0);
    expect(progress.slice(0, starting).some((line) => line.includes('COPY app.jar'))).toBe(true);
  });

  it('fails the deploy, saying why, when the configured base image cannot be had', async () => {
    const baseImage = '127.0.0.1:1/nowhere/jre:17';
    const handlers = deployHandlers({
      orchestrator,
      stateDir,
      baseImage,
      agentJarPath: await buildTestAgentJar(),
    });
    const artifact = await artifacts.serve(await buildSampleJar({ version: '1' }));
    const failed = runCommand(handlers, 'deploy', deployPayload(ref, '1', artifact), []);
    await expect(failed).rejects.toThrow(`could not pull the base image ${baseImage}`);
  });
});
