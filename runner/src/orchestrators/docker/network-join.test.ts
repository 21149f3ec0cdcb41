import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, testDocker } from '../../../test/docker-fixtures.ts';
import type { AppRef } from '../orchestrator.ts';
import { DockerOrchestrator } from './docker-orchestrator.ts';
import { networkName } from './labels.ts';
import { joinAppNetworks, joinNetwork } from './network-join.ts';

const docker = testDocker();
const suffix = randomBytes(4).toString('hex');
const traefikName = `cameleer-test-traefik-${suffix}`;
const runnerName = `cameleer-test-runner-${suffix}`;
const ref: AppRef = { tenant: `t${suffix}`, environment: 'dev', app: 'orders' };
const networks = [`cameleer-test-${suffix}-dev`, `cameleer-test-${suffix}-prod`];

beforeAll(async () => {
  const image = await ensureBusyboxImage(docker);
  // Created, never started: joining networks needs no running process.
  for (const name of [traefikName, runnerName])
    await docker.createContainer({ name, Image: image, Cmd: ['sleep', '1'] });
  for (const name of networks) await docker.createNetwork({ Name: name, Driver: 'bridge' });
});

afterAll(async () => {
  await docker
    .getContainer(traefikName)
    .remove({ force: true })
    .catch(() => undefined);
  for (const name of networks)
    await docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
});

async function networksOf(name: string): Promise<string[]> {
  const info = await docker.getContainer(name).inspect();
  return Object.keys(info.NetworkSettings.Networks ?? {});
}

const traefik = { container: traefikName, setting: 'CAMELEER_TRAEFIK_CONTAINER' };

describe('joining Traefik or the runner to app networks', () => {
  it('joins each network once, and again is a no-op, also when two deploys race', async () => {
    const [dev = '', prod = ''] = networks;
    await Promise.all([joinNetwork(docker, traefik, dev), joinNetwork(docker, traefik, dev)]);
    await joinNetwork(docker, traefik, dev);
    await joinNetwork(docker, traefik, prod);
    expect(await networksOf(traefikName)).toEqual(expect.arrayContaining(networks));
  });

  it('names the setting when the container is not on the engine', async () => {
    const missing = { ...traefik, container: `${traefikName}-missing` };
    await expect(joinNetwork(docker, missing, networks[0] ?? '')).rejects.toThrow(
      /-missing \(CAMELEER_TRAEFIK_CONTAINER\) is not on this engine/,
    );
  });

  it('joins Traefik and the runner to the network it makes for an app; apps send telemetry to the runner by name', async () => {
    const orchestrator = new DockerOrchestrator({
      docker,
      domain: 'apps.test',
      traefikContainer: traefikName,
      runnerContainer: runnerName,
    });
    expect(orchestrator.runnerAddress).toEqual({ bindHost: '0.0.0.0', urlHost: runnerName });
    expect(new DockerOrchestrator({ docker, domain: 'apps.test' }).runnerAddress.urlHost).toBe(
      'host.docker.internal',
    );
    // The network is made on a deploy's way; reached here without building an app image.
    const network = await (
      orchestrator as unknown as { ensureNetwork(r: AppRef): Promise<string> }
    ).ensureNetwork(ref);
    expect(network).toBe(networkName(ref));
    expect(await networksOf(traefikName)).toContain(network);
    expect(await networksOf(runnerName)).toContain(network);
  });

  it('joins every app network again after the container was recreated (an update)', async () => {
    const mine = [`cameleer.tenant=t${suffix}`];
    await docker.getContainer(traefikName).remove({ force: true });
    await docker.createContainer({
      name: traefikName,
      Image: await ensureBusyboxImage(docker),
      Cmd: ['sleep', '1'],
    });
    expect(await networksOf(traefikName)).not.toContain(networkName(ref));
    await joinAppNetworks(docker, traefik, mine);
    expect(await networksOf(traefikName)).toContain(networkName(ref));
  });
});
