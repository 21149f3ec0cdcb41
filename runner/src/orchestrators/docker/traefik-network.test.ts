import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, testDocker } from '../../../test/docker-fixtures.ts';
import { connectTraefik } from './traefik-network.ts';

const docker = testDocker();
const suffix = randomBytes(4).toString('hex');
const traefikName = `cameleer-test-traefik-${suffix}`;
const networks = [`cameleer-test-${suffix}-dev`, `cameleer-test-${suffix}-prod`];

beforeAll(async () => {
  const image = await ensureBusyboxImage(docker);
  // Created, never started: joining networks needs no running process.
  await docker.createContainer({ name: traefikName, Image: image, Cmd: ['sleep', '1'] });
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

describe('joining Traefik to app networks (CAMELEER_TRAEFIK_CONTAINER)', () => {
  it('joins each network once, and again is a no-op, also when two deploys race', async () => {
    const [dev = '', prod = ''] = networks;
    await Promise.all([connectTraefik(docker, traefikName, dev), connectTraefik(docker, traefikName, dev)]);
    await connectTraefik(docker, traefikName, dev);
    await connectTraefik(docker, traefikName, prod);
    expect(await networksOf(traefikName)).toEqual(expect.arrayContaining(networks));
  });

  it('names the setting when the container is not on the engine', async () => {
    await expect(connectTraefik(docker, `${traefikName}-missing`, networks[0] ?? '')).rejects.toThrow(
      /CAMELEER_TRAEFIK_CONTAINER/,
    );
  });
});
