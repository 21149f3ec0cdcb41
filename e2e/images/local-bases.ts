/**
 * Base images for building the product's images with no registry at hand, assembled the way the
 * runner assembles its JRE image: this machine's binaries, the shared libraries `ldd` lists for
 * them, busybox (Debian's busybox-static) for a shell and the usual commands, imported as one layer.
 * They are kept between runs (made once per machine).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { imageExists } from '../../runner/src/orchestrators/docker/base-image.ts';
import { importRootfs } from '../../runner/src/orchestrators/docker/jre-image.ts';
import { withFileLock } from '../../runner/src/state/file-lock.ts';

const run = promisify(execFile);

export const nodeBaseImage = 'cameleer/node-base:test';
export const jdkBaseImage = 'cameleer/jdk-base:test';

/** The machine's Node (and npm) at the official image's paths: /usr/local/bin/node. */
export function ensureNodeBase(docker: Docker, tag = nodeBaseImage): Promise<string> {
  return ensureImage(docker, tag, async (root) => {
    const node = (await run('node', ['-p', 'process.execPath'])).stdout.trim();
    await mkdir(join(root, 'usr/local/bin'), { recursive: true });
    await run('cp', [node, join(root, 'usr/local/bin/node')]);
    // npm only serves BUNDLE=build, which the tests do not use: left out when this Node has none beside it.
    const npm = join(dirname(dirname(node)), 'lib/node_modules/npm');
    if (existsSync(npm)) {
      await cp(npm, join(root, 'usr/local/lib/node_modules/npm'), {
        recursive: true,
        verbatimSymlinks: true,
      });
      for (const tool of ['npm', 'npx'])
        await run('ln', [
          '-s',
          `../lib/node_modules/npm/bin/${tool}-cli.js`,
          join(root, 'usr/local/bin', tool),
        ]);
    }
    await copySharedLibraries(root, [node]);
    // The rest of glibc that Debian's Node base has and native add-ons link (rolldown's: librt).
    await run('bash', [
      '-c',
      'for lib in /lib/x86_64-linux-gnu/lib{rt,resolv,util,anl}.so.*; do [ -e "$lib" ] && cp -L --parents "$lib" "$1"; done; true',
      '-',
      root,
    ]);
    return ['ENV PATH=/usr/local/bin:/usr/bin:/bin', 'CMD ["node"]'];
  });
}

/** A JDK 17 that compiles and jars (jlink'd from the machine's JDK): what the runner image's agent stage needs. */
export function ensureJdkBase(docker: Docker, tag = jdkBaseImage): Promise<string> {
  return ensureImage(docker, tag, async (root) => {
    const java = join(root, 'opt/java');
    await mkdir(dirname(java), { recursive: true });
    const modules =
      'java.base,java.instrument,java.management,java.net.http,jdk.compiler,jdk.jartool,jdk.zipfs';
    await run('jlink', ['--add-modules', modules, '--no-header-files', '--no-man-pages', '--output', java], {
      timeout: 180_000,
    });
    // jlink leaves out ct.sym, which `javac --release` reads (through jdk.zipfs).
    const javac = (
      await run('readlink', ['-f', (await run('bash', ['-c', 'command -v javac'])).stdout.trim()])
    ).stdout.trim();
    await run('cp', [join(dirname(dirname(javac)), 'lib/ct.sym'), join(java, 'lib/ct.sym')]);
    const { stdout } = await run('bash', [
      '-c',
      `ls "${java}"/bin/* "${java}"/lib/*.so "${java}"/lib/server/*.so`,
    ]);
    await copySharedLibraries(root, stdout.split('\n').filter(Boolean));
    return ['ENV PATH=/opt/java/bin:/usr/bin:/bin'];
  });
}

async function ensureImage(
  docker: Docker,
  tag: string,
  fill: (root: string) => Promise<string[]>,
): Promise<string> {
  if (await imageExists(docker, tag)) return tag;
  const lock = join(tmpdir(), `cameleer-image-${tag.replace(/[^a-z0-9]+/gi, '-')}.lock`);
  await withFileLock(lock, async () => {
    if (await imageExists(docker, tag)) return;
    const root = await mkdtemp(join(tmpdir(), 'cameleer-base-'));
    try {
      const changes = await fill(root);
      await addUserland(root);
      await importRootfs(docker, root, tag, changes);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  return tag;
}

async function copySharedLibraries(root: string, binaries: string[]): Promise<void> {
  const { stdout } = await run('bash', [
    '-c',
    `ldd ${binaries.map((b) => `"${b}"`).join(' ')} 2>/dev/null | grep -o '/[^ ]*' | sort -u`,
  ]);
  for (const lib of stdout.split('\n').filter((l) => l && !l.startsWith(root) && !l.endsWith(':'))) {
    await run('cp', ['-L', '--parents', lib, root]);
  }
}

/** busybox with every applet as /bin/sh and friends, a /tmp, and root alone in passwd. */
async function addUserland(root: string): Promise<void> {
  for (const dir of ['bin', 'etc', 'usr/bin']) await mkdir(join(root, dir), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  await run('chmod', ['1777', join(root, 'tmp')]);
  await run('cp', ['/bin/busybox', join(root, 'bin/busybox')]);
  await run('bash', [
    '-c',
    'cd "$1" && for a in $(./busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$a"; done',
    '-',
    join(root, 'bin'),
  ]);
  // Scripts' `#!/usr/bin/env node` (npm's among them).
  await run('ln', ['-s', '../../bin/busybox', join(root, 'usr/bin/env')]);
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\n');
}
