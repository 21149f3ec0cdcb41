import { existsSync } from 'node:fs';
import { createBackup } from '../backup/create-backup.ts';
import { restoreBackup } from '../backup/restore-backup.ts';
import { orchestratorRegistry } from '../orchestrators/registry.ts';
import { reachableVolumeArchives } from '../orchestrators/volume-archive.ts';

const print = (line: string) => process.stderr.write(`${line}\n`);

/** `cameleer-runner backup`: progress on stderr, the archive's path alone on stdout. */
export async function backupCommand(opts: { stateDir: string; to?: string }): Promise<void> {
  const archives = await reachableVolumeArchives(orchestratorRegistry);
  for (const entry of orchestratorRegistry.filter((e) => e.volumeArchive)) {
    if (!archives.some((a) => a.kind === entry.kind))
      print(`  ${entry.kind} does not answer here: none of its volumes are in this backup`);
  }
  const { file } = await createBackup({
    stateDir: opts.stateDir,
    progress: print,
    archives,
    ...(opts.to ? { to: opts.to } : {}),
  });
  process.stdout.write(`${file}\n`);
}

export async function restoreCommand(
  file: string,
  opts: { stateDir: string; force?: boolean },
): Promise<void> {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  await restoreBackup({
    file,
    stateDir: opts.stateDir,
    force: !!opts.force,
    progress: print,
    archives: await reachableVolumeArchives(orchestratorRegistry),
  });
}
