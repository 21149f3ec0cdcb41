/**
 * The default JRE base image, made on this machine when no registry has it: a
 * jlink'd JRE from the local JDK, the shared libraries it links against,
 * busybox (when installed) for a shell and `chown`, and a passwd naming the app
 * user, imported as one layer. Air-gapped hosts can deploy without pulling.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import type { JavaSearch } from '../java-on-path.ts';
import type { Progress } from '../orchestrator.ts';
import { APP_UID } from './image-defaults.ts';

const run = promisify(execFile);

/** What Camel apps commonly need from the JDK; the rest stays out of the image. */
const JRE_MODULES = [
  'java.base',
  'java.instrument',
  'java.logging',
  'java.management',
  'java.naming',
  'java.net.http',
  'java.scripting',
  'java.security.jgss',
  'java.sql',
  'java.xml',
  'jdk.crypto.ec',
  'jdk.httpserver',
  'jdk.unsupported',
].join(',');

const BUSYBOX_APPLETS = ['sh', 'ls', 'cat', 'wget', 'sleep', 'echo', 'id', 'chown', 'mkdir'];

/** Builds `tag` from the local JDK (`jlink` on PATH or in JAVA_HOME) and imports it into the engine. */
export async function buildJreImage(
  docker: Docker,
  tag: string,
  progress: Progress = () => {},
  jdk: JavaSearch = process.env,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'cameleer-jre-'));
  try {
    const java = join(root, 'opt/java');
    await mkdir(dirname(java), { recursive: true });
    progress(`building the JRE base image ${tag} from the local JDK (once per machine)`);
    await run(
      jlink(jdk),
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
      { timeout: 180_000 },
    );
    await copySharedLibraries(root, java);
    await addUserland(root);
    progress(`importing ${tag}`);
    await importRootfs(docker, root, tag, ['ENV PATH=/opt/java/bin:/bin']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Whether this machine can make the base image itself. */
export function canBuildJreImage(env: JavaSearch = process.env): boolean {
  return existsSync(jlink(env)) || (env.PATH ?? '').split(':').some((d) => existsSync(join(d, 'jlink')));
}

function jlink(env: JavaSearch): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'jlink') : 'jlink';
}

async function copySharedLibraries(root: string, java: string): Promise<void> {
  const { stdout } = await run('bash', [
    '-c',
    `ldd "${java}/bin/java" "${java}"/lib/*.so "${java}"/lib/server/*.so 2>/dev/null | grep -o '/[^ ]*' | sort -u`,
  ]);
  for (const lib of stdout.split('\n').filter((l) => l && !l.startsWith(root))) {
    await run('cp', ['-L', '--parents', lib, root]);
  }
}

async function addUserland(root: string): Promise<void> {
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (busybox) {
    await run('cp', [busybox, join(root, 'bin/busybox')]);
    for (const applet of BUSYBOX_APPLETS) await run('ln', ['-sf', 'busybox', join(root, 'bin', applet)]);
  }
  await writeFile(
    join(root, 'etc/passwd'),
    `root:x:0:0:root:/root:/bin/sh\ncameleer:x:${APP_UID}:${APP_UID}:cameleer:/tmp:/bin/sh\n`,
  );
  await writeFile(join(root, 'etc/group'), `root:x:0:\ncameleer:x:${APP_UID}:\n`);
}

/** `tar -c root | POST /images/create?fromSrc=-`, with Dockerfile-style changes. */
export async function importRootfs(
  docker: Docker,
  root: string,
  tag: string,
  changes: string[],
): Promise<void> {
  const [repo, version = 'latest'] = splitTag(tag);
  const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}`))));
  });
  const output = await docker.importImage(tar.stdout, { repo, tag: version, changes });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(output, (err) => (err ? reject(err) : resolve())),
  );
  await exited;
}

function splitTag(tag: string): [string, string | undefined] {
  const colon = tag.lastIndexOf(':');
  return colon > tag.lastIndexOf('/') ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, undefined];
}
