/**
 * Docker volumes in a backup, through the Engine API only: a helper container is created (never
 * started, so no binary of its image runs) with the volume mounted where the app mounts it, and
 * the engine's archive API reads (`getArchive`) or writes (`putArchive`) that path.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import type { ArchivedVolume, VolumeArchive } from '../volume-archive.ts';
import { LABEL } from './labels.ts';

type DockerVolumeRef = ArchivedVolume;

/** Backup's way to the engine's named volumes (`cameleer-runner backup` / `restore`). */
export function dockerVolumeArchive(docker: Docker): VolumeArchive {
  return {
    kind: 'docker',
    list: (tenantSlug) => listRunnerVolumes(docker, tenantSlug),
    exportTo: (volume, file) => exportVolume(docker, volume, file),
    importFrom: (volume, file) => importVolume(docker, volume, file),
  };
}

/** The tenant's volumes the runner made (labelled as managed, with the path apps mount them at). */
export async function listRunnerVolumes(docker: Docker, tenantSlug: string): Promise<DockerVolumeRef[]> {
  const { Volumes } = await docker.listVolumes({
    filters: JSON.stringify({ label: [`${LABEL.managed}=true`, `${LABEL.tenant}=${tenantSlug}`] }),
  });
  return (Volumes ?? [])
    .map((v) => ({ name: v.Name, labels: v.Labels ?? {}, mountPath: v.Labels?.[LABEL.volumePath] ?? '' }))
    .filter((v) => posix.isAbsolute(v.mountPath) && v.mountPath !== '/')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Writes the volume's contents, as the engine archives its mount path, to `file`. */
export async function exportVolume(docker: Docker, volume: DockerVolumeRef, file: string): Promise<void> {
  await withHelper(docker, volume, async (helper) => {
    const archive = await helper.getArchive({ path: volume.mountPath });
    await pipeline(archive, createWriteStream(file, { mode: 0o600 }));
  });
}

/** Creates the volume when missing and extracts `file` over its contents. */
export async function importVolume(docker: Docker, volume: ArchivedVolume, file: string): Promise<void> {
  const mountPath = volume.mountPath;
  if (!posix.isAbsolute(mountPath) || mountPath === '/')
    throw new Error(`volume ${volume.name} has no mount path`);
  const exists = await docker
    .getVolume(volume.name)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (!exists) await docker.createVolume({ Name: volume.name, Labels: volume.labels });
  await withHelper(docker, volume, async (helper) => {
    await helper.putArchive(createReadStream(file), { path: posix.dirname(mountPath) });
  });
}

async function withHelper<T>(
  docker: Docker,
  volume: DockerVolumeRef,
  work: (helper: Docker.Container) => Promise<T>,
): Promise<T> {
  const helper = await createHelper(docker, volume);
  try {
    return await work(helper);
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * The helper runs nothing, so any image serves: the one of a container using the volume first,
 * else the others here, in turn, since an image may be removed between listing and use.
 */
async function createHelper(docker: Docker, volume: DockerVolumeRef): Promise<Docker.Container> {
  const users = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ volume: [volume.name] }),
  });
  const images = (await docker.listImages()).sort((a, b) => a.Created - b.Created);
  const candidates = [...new Set([...users.map((c) => c.ImageID), ...images.map((i) => i.Id)])];
  for (const image of candidates) {
    try {
      return await docker.createContainer({
        Image: image,
        Entrypoint: ['/nonexistent'],
        Cmd: [],
        Labels: { 'cameleer.backup-helper': 'true' },
        NetworkDisabled: true,
        HostConfig: { NetworkMode: 'none', Binds: [`${volume.name}:${volume.mountPath}:rw`] },
      });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
  throw new Error(`no image on this Docker engine to mount the volume ${volume.name} in`);
}
