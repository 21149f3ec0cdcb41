/**
 * Docker fixtures for tests: the engine client and the JRE base image. No
 * registry is reachable, so the base image is made here: a jlink'd JRE, the
 * shared libraries it links against, busybox as /bin/sh and a passwd with the
 * app user, imported as one layer (~65 MB, a few seconds). Built once per
 * machine (cached by tag); a lock file keeps parallel test files from building
 * it twice.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { APP_UID, DEFAULT_JRE_IMAGE } from '../src/orchestrators/docker/image-builder.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const JRE_MODULES = [
  'java.base',
  'java.instrument',
  'java.logging',
  'java.management',
  'jdk.httpserver',
  'java.net.http',
  'java.naming',
  'java.xml',
  'java.sql',
  'jdk.unsupported',
].join(',');

/** The engine the test command started (DOCKER_HOST, or the default socket). */
export function testDocker(): Docker {
  return new Docker();
}

/** Restarts the engine through scripts/docker.sh, as an operator or a crash would. */
export async function restartDockerEngine(): Promise<void> {
  await run('bash', [join(repoRoot, 'scripts/docker.sh'), 'restart'], { timeout: 90_000 });
}

export async function ensureJreImage(docker: Docker, tag = DEFAULT_JRE_IMAGE): Promise<string> {
  if (await imageExists(docker, tag)) return tag;
  const lock = join(tmpdir(), `cameleer-image-${tag.replace(/[^a-z0-9]+/gi, '-')}.lock`);
  await withLock(lock, async () => {
    if (!(await imageExists(docker, tag))) await buildJreImage(tag);
  });
  return tag;
}

/** A non-Java image (busybox alone), for containers that need no JVM. */
export async function ensureBusyboxImage(docker: Docker, tag = 'cameleer/busybox:test'): Promise<string> {
  if (await imageExists(docker, tag)) return tag;
  await withLock(join(tmpdir(), 'cameleer-image-busybox.lock'), async () => {
    if (await imageExists(docker, tag)) return;
    const root = await mkdtemp(join(tmpdir(), 'cameleer-busybox-'));
    try {
      await addBusyboxAndUser(root);
      await importRoot(root, tag, 'ENV PATH=/bin');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  return tag;
}

async function buildJreImage(tag: string): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cameleer-jre-'));
  try {
    const java = join(root, 'opt/java');
    await mkdir(dirname(java), { recursive: true });
    await run(
      'jlink',
      [
        '--add-modules',
        JRE_MODULES,
        '--strip-debug',
        '--no-header-files',
        '--no-man-pages',
        '--compress=2',
        '--output',
        java,
      ],
      { timeout: 120_000 },
    );
    const { stdout: libs } = await run('bash', [
      '-c',
      `ldd "${java}/bin/java" "${java}"/lib/*.so "${java}"/lib/server/*.so 2>/dev/null | grep -o '/[^ ]*' | sort -u`,
    ]);
    for (const lib of libs.split('\n').filter((l) => l && !l.startsWith(root))) {
      await run('cp', ['-L', '--parents', lib, root]);
    }
    await addBusyboxAndUser(root);
    await importRoot(root, tag, 'ENV PATH=/opt/java/bin:/bin');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
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

async function importRoot(root: string, tag: string, change: string): Promise<void> {
  await run('bash', ['-c', `tar -C "${root}" -c . | docker import -c '${change}' - "${tag}"`], {
    timeout: 120_000,
  });
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

/** An exclusive file lock across processes; a lock older than 5 minutes is a dead holder's. */
async function withLock(path: string, fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 5 * 60_000) await rm(path, { force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await fn();
  } finally {
    await rm(path, { force: true });
  }
}
