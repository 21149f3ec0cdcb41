import { randomBytes } from 'node:crypto';
import { chmod, lchown, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { VolumeArchive } from '../orchestrators/volume-archive.ts';
import { hasIdentity, readIdentity } from '../state/identity.ts';
import { stateFiles } from '../state/state-dir.ts';
import { isProcessAlive, readStatus } from '../state/status-file.ts';
import { readBackupArchive } from './backup-archive.ts';
import { type BackupManifest, BackupRefused } from './backup-manifest.ts';

export type RestoreBackupOptions = {
  file: string;
  stateDir: string;
  /** Replace the identity (and everything else) already in the state directory. */
  force?: boolean;
  /** The archives of the orchestrators reachable here: needed for the archived volumes a backup holds. */
  archives?: readonly VolumeArchive[];
  progress?: (line: string) => void;
};

/**
 * Puts a backup back: refused while a runner runs on the state directory, or over an identity
 * without `force`; the whole archive is read and checked into a folder inside the state directory
 * (same file system, so moving it in is a rename) before anything is replaced.
 */
export async function restoreBackup(opts: RestoreBackupOptions): Promise<BackupManifest> {
  const progress = opts.progress ?? (() => {});
  const files = stateFiles(opts.stateDir);
  const status = readStatus(files.dir);
  if (status?.running && isProcessAlive(status.pid))
    throw new BackupRefused(
      `a runner (pid ${status.pid}) is running on ${files.dir}: stop it first (systemctl stop cameleer-runner, or Ctrl-C)`,
    );
  if (hasIdentity(files.dir) && !opts.force)
    throw new BackupRefused(
      `${files.dir} already holds runner ${readIdentity(files.dir).runnerId}: restoring replaces it; add --force to do so`,
    );
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const staging = join(files.dir, `.restore-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    progress(`Checking ${opts.file}`);
    const manifest = await readBackupArchive(opts.file, staging);
    progress(
      `  runner ${manifest.runnerId} (${manifest.runnerName}) of ${manifest.createdAt}: every checksum matches`,
    );
    // Checked before anything is written: every archived volume has its orchestrator's archive here.
    const archived = manifest.volumes.filter((v) => v.archived);
    const missing = [...new Set(archived.map((v) => v.orchestrator))].filter(
      (kind) => !opts.archives?.some((a) => a.kind === kind),
    );
    if (missing.length > 0)
      throw new BackupRefused(
        `the backup holds volumes of ${missing.join(', ')}, which does not answer here: start it (Docker: or set DOCKER_HOST)`,
      );
    for (const volume of archived) {
      const archive = opts.archives?.find((a) => a.kind === volume.orchestrator);
      if (!archive || !volume.mountPath) continue;
      progress(`  ${volume.orchestrator} volume ${volume.name}`);
      await archive.importFrom(
        { name: volume.name, mountPath: volume.mountPath, labels: volume.labels ?? {} },
        join(staging, volume.entry),
      );
    }
    await replaceState(files.dir, staging);
    const processVolumes = manifest.volumes.length - archived.length;
    progress(
      `✓ restored runner ${manifest.runnerId} into ${files.dir} (${processVolumes} process app volumes)`,
    );
    progress(`  Start it with: cameleer-runner start --state-dir ${files.dir}`);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Empties the state directory but for the staging folder and moves the restored state in. The
 * directory itself stays (it may be a mount point or systemd's StateDirectory).
 */
async function replaceState(dir: string, staging: string): Promise<void> {
  const keep = staging.slice(dir.length + 1);
  for (const name of await readdir(dir)) {
    if (name !== keep) await rm(join(dir, name), { recursive: true, force: true });
  }
  const restored = join(staging, 'state');
  for (const name of await readdir(restored).catch(() => []))
    await rename(join(restored, name), join(dir, name));
  await chmod(dir, 0o700);
  await giveToOwnerOf(dir);
}

/** Root restoring a service's state directory: the files go to the directory's owner, who runs the runner. */
async function giveToOwnerOf(dir: string): Promise<void> {
  const { uid, gid } = await stat(dir);
  if (process.getuid?.() !== 0 || uid === 0) return;
  for (const item of await readdir(dir, { recursive: true, withFileTypes: true }))
    await lchown(join(item.parentPath, item.name), uid, gid);
}
