import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { VolumeArchive } from '../orchestrators/volume-archive.ts';
import { readIdentity } from '../state/identity.ts';
import { runnerVersion } from '../version.ts';
import { writeBackupArchive } from './backup-archive.ts';
import {
  type BackupEntry,
  type BackupManifest,
  BackupRefused,
  type BackupVolume,
  backupFormat,
} from './backup-manifest.ts';
import { megabytes, snapshotStateDir } from './state-snapshot.ts';

export type CreateBackupOptions = {
  stateDir: string;
  /** The archive to write; by default `cameleer-runner-backup-<runner>-<time>.tar.gz` here. */
  to?: string;
  /** Where the orchestrators reachable here keep this tenant's volumes outside the state directory. */
  archives?: readonly VolumeArchive[];
  progress?: (line: string) => void;
  now?: () => Date;
};

/** One `.tar.gz`: the manifest, the state directory (with the process apps' volumes) and the archived volumes. */
export async function createBackup(
  opts: CreateBackupOptions,
): Promise<{ file: string; manifest: BackupManifest }> {
  const progress = opts.progress ?? (() => {});
  const identity = readIdentity(opts.stateDir);
  const createdAt = (opts.now ?? (() => new Date()))();
  const stamp = createdAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = resolve(opts.to ?? `cameleer-runner-backup-${identity.runnerId}-${stamp}.tar.gz`);
  const stateDir = resolve(opts.stateDir);
  if (file.startsWith(`${stateDir}/`))
    throw new BackupRefused(`write the backup outside the state directory ${stateDir}, not into it`);
  await mkdir(dirname(file), { recursive: true });
  const staged = await mkdtemp(join(dirname(file), '.cameleer-backup-'));
  try {
    progress(`Backing up runner ${identity.runnerId} (${identity.name}) from ${resolve(opts.stateDir)}`);
    const state = await snapshotStateDir(opts.stateDir, staged, progress);
    const archived = await archivedVolumes(opts.archives ?? [], identity.tenantSlug, staged, progress);
    const manifest: BackupManifest = {
      format: backupFormat,
      v: 1,
      runnerId: identity.runnerId,
      runnerName: identity.name,
      tenantSlug: identity.tenantSlug,
      runnerVersion,
      createdAt: createdAt.toISOString(),
      stateDir: resolve(opts.stateDir),
      volumes: [...state.volumes, ...archived.volumes],
      entries: [...state.entries, ...archived.entries],
    };
    progress(`  writing ${file}`);
    await writeBackupArchive(file, manifest, staged);
    progress(`✓ ${file}: ${megabytes((await stat(file)).size)}, ${manifest.volumes.length} volumes`);
    return { file, manifest };
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

async function archivedVolumes(
  archives: readonly VolumeArchive[],
  tenantSlug: string,
  staged: string,
  progress: (line: string) => void,
) {
  const volumes: BackupVolume[] = [];
  const entries: BackupEntry[] = [];
  for (const archive of archives) {
    const found = await archive.list(tenantSlug);
    const folder = `${archive.kind}-volumes`;
    if (found.length > 0) await mkdir(join(staged, folder), { recursive: true, mode: 0o700 });
    for (const volume of found) {
      const entry = `${folder}/${volume.name}.tar`;
      const target = join(staged, entry);
      await archive.exportTo(volume, target);
      const size = (await stat(target)).size;
      entries.push({ path: entry, type: 'file', mode: 0o600, size, sha256: await sha256Of(target) });
      volumes.push({
        orchestrator: archive.kind,
        archived: true,
        name: volume.name,
        entry,
        mountPath: volume.mountPath,
        labels: volume.labels,
      });
      progress(`  ${archive.kind} volume ${volume.name}: ${megabytes(size)}`);
    }
  }
  return { volumes, entries };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
