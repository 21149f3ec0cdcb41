/**
 * A fresh named volume mounted where the image has no directory is owned by root, and apps run
 * as APP_UID on a read-only root filesystem: they could not write to it. The engine hands it over
 * itself: a container of the app's image is created (never started) with the volumes mounted, and
 * an archive holding only the mount points, owned by APP_UID, is extracted over them. No binary of
 * the image runs, so this works for images without a shell or `chown`.
 */
import { posix } from 'node:path';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { APP_UID } from './image-defaults.ts';

export type VolumeMount = { name: string; path: string };

export async function giveVolumesToAppUser(
  docker: Docker,
  image: string,
  mounts: VolumeMount[],
): Promise<void> {
  if (mounts.length === 0) return;
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['/nonexistent'],
    Cmd: [],
    Labels: { 'cameleer.volume-init': 'true' },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: 'none', Binds: mounts.map((m) => `${m.name}:${m.path}:rw`) },
  });
  try {
    for (const { path } of mounts) {
      await container.putArchive(await mountPointArchive(posix.basename(path)), {
        path: posix.dirname(path),
      });
    }
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function mountPointArchive(name: string): Promise<Buffer> {
  const archive = pack();
  archive.entry({ name: `${name}/`, type: 'directory', uid: APP_UID, gid: APP_UID, mode: 0o755 });
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
