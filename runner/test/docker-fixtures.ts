/**
 * Docker fixtures for tests: the engine client and the images they run. No
 * registry is reachable, so images are made here: the JRE base image by the
 * product itself (`ensureBaseImage`: jlink'd from the local JDK, once per
 * machine), and a busybox-only image for containers that need no JVM.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { ensureBaseImage, imageExists } from '../src/orchestrators/docker/base-image.ts';
import { APP_UID, DEFAULT_JRE_IMAGE } from '../src/orchestrators/docker/image-builder.ts';
import { importRootfs } from '../src/orchestrators/docker/jre-image.ts';
import { withFileLock } from '../src/state/file-lock.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The engine the test command started (DOCKER_HOST, or the default socket). */
export function testDocker(): Docker {
  return new Docker();
}

/** Restarts the engine through scripts/docker.sh, as an operator or a crash would. */
export async function restartDockerEngine(): Promise<void> {
  await run('bash', [join(repoRoot, 'scripts/docker.sh'), 'restart'], { timeout: 90_000 });
}

export async function ensureJreImage(docker: Docker, tag = DEFAULT_JRE_IMAGE): Promise<string> {
  await ensureBaseImage(docker, tag);
  return tag;
}

/** A non-Java image (busybox alone), for containers that need no JVM. */
export async function ensureBusyboxImage(docker: Docker, tag = 'cameleer/busybox:test'): Promise<string> {
  if (await imageExists(docker, tag)) return tag;
  await withFileLock(join(tmpdir(), 'cameleer-image-busybox.lock'), async () => {
    if (await imageExists(docker, tag)) return;
    const root = await mkdtemp(join(tmpdir(), 'cameleer-busybox-'));
    try {
      await addBusyboxAndUser(root);
      await importRootfs(docker, root, tag, ['ENV PATH=/bin']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  return tag;
}

async function addBusyboxAndUser(root: string): Promise<void> {
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  await run('cp', ['/bin/busybox', join(root, 'bin/busybox')]);
  for (const applet of ['sh', 'ls', 'cat', 'wget', 'sleep', 'echo', 'id']) {
    await run('ln', ['-sf', 'busybox', join(root, 'bin', applet)]);
  }
  await writeFile(
    join(root, 'etc/passwd'),
    `root:x:0:0:root:/root:/bin/sh\ncameleer:x:${APP_UID}:${APP_UID}:cameleer:/tmp:/bin/sh\n`,
  );
  await writeFile(join(root, 'etc/group'), `root:x:0:\ncameleer:x:${APP_UID}:\n`);
}
