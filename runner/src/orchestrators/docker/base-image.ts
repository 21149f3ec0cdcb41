/**
 * Makes sure an app's base image is on the engine before its build: the
 * default JRE image is ours and made locally from the JDK (no registry
 * needed); a configured one is pulled. Concurrent deploys, and runners in
 * other processes on the same machine, build it once.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { withFileLock } from '../../state/file-lock.ts';
import type { JavaSearch } from '../java-on-path.ts';
import type { Progress } from '../orchestrator.ts';
import { DEFAULT_JRE_IMAGE } from './image-defaults.ts';
import { buildJreImage, canBuildJreImage } from './jre-image.ts';

export class BaseImageUnavailable extends Error {
  override name = 'BaseImageUnavailable';
}

const pending = new Map<string, Promise<void>>();

export function ensureBaseImage(
  docker: Docker,
  tag: string,
  progress: Progress = () => {},
  jdk: JavaSearch = process.env,
): Promise<void> {
  let work = pending.get(tag);
  if (!work) {
    work = provide(docker, tag, progress, jdk).finally(() => pending.delete(tag));
    pending.set(tag, work);
  }
  return work;
}

async function provide(docker: Docker, tag: string, progress: Progress, jdk: JavaSearch): Promise<void> {
  if (await imageExists(docker, tag)) return;
  if (tag !== DEFAULT_JRE_IMAGE) return pull(docker, tag, progress);
  if (!canBuildJreImage(jdk)) {
    throw new BaseImageUnavailable(
      `the base image ${tag} is not on this engine and there is no JDK (jlink) to build it; install a JDK 17 or set CAMELEER_JRE_IMAGE to an image your engine can pull`,
    );
  }
  const lock = join(tmpdir(), `cameleer-image-${tag.replace(/[^a-z0-9]+/gi, '-')}.lock`);
  await withFileLock(lock, async () => {
    if (!(await imageExists(docker, tag))) await buildJreImage(docker, tag, progress, jdk);
  });
}

async function pull(docker: Docker, tag: string, progress: Progress): Promise<void> {
  progress(`pulling ${tag}`);
  try {
    const stream = await docker.pull(tag);
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
    );
  } catch (err) {
    throw new BaseImageUnavailable(`could not pull the base image ${tag}: ${(err as Error).message}`);
  }
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}
