/**
 * Builds the product's images the way an operator does (`docker build -f docker/….Dockerfile .`
 * from the repository root), on locally assembled bases, and runs containers from them.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { collect, demuxLines } from '../../runner/src/orchestrators/docker/container-logs.ts';
import { bundleImage } from '../../scripts/image-bundle.ts';
import { jdkBaseImage, nodeBaseImage } from './local-bases.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export type ImageName = 'edge' | 'runner';

/**
 * `tag` built from docker/<name>.Dockerfile. The bundle is made on the host first (BUNDLE=context):
 * no registry, npm's included, is reachable from the engine's build containers here.
 */
export async function buildImage(name: ImageName, tag: string, buildId: string): Promise<void> {
  await bundleImage(name);
  const args = [
    'build',
    '--quiet',
    '--force-rm',
    '--file',
    `docker/${name}.Dockerfile`,
    '--tag',
    tag,
    '--build-arg',
    `NODE_IMAGE=${nodeBaseImage}`,
    '--build-arg',
    `JDK_IMAGE=${jdkBaseImage}`,
    '--build-arg',
    'BUNDLE=context',
    '--build-arg',
    `BUILD_ID=${buildId}`,
    '.',
  ];
  await run('docker', args, {
    cwd: repoRoot,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The built images, and the untagged build stages of this build (labelled with its id). */
export async function removeImages(docker: Docker, tags: string[], buildId: string): Promise<void> {
  for (const tag of tags)
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => {});
  await docker.pruneImages({
    filters: { dangling: ['true'], label: [`org.cameleer.image-build=${buildId}`] },
  });
}

/** Where the engine's socket is on this machine, for mounting it into the runner. */
export function engineSocket(): string {
  const host = process.env.DOCKER_HOST ?? '';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

export type ContainerSpec = {
  name: string;
  image: string;
  env: Record<string, string>;
  binds?: string[];
  groupAdd?: string[];
};

/**
 * A container as the docs run it: read-only root, /tmp on tmpfs, no capabilities. On the host's
 * network: the edge reaches the machine's PostgreSQL on loopback, and the runner the apps' ports.
 */
export async function startContainer(docker: Docker, spec: ContainerSpec): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    HostConfig: {
      NetworkMode: 'host',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Binds: spec.binds ?? [],
      GroupAdd: spec.groupAdd ?? [],
    },
  });
  await container.start();
  return container;
}

export async function containerLogs(container: Docker.Container): Promise<string> {
  const buffer = await container.logs({ stdout: true, stderr: true, tail: 40 }).catch(() => Buffer.alloc(0));
  return (await collect(demuxLines([buffer]))).join('\n');
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
