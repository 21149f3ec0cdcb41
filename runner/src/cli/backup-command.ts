import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { createBackup } from '../backup/create-backup.ts';
import { restoreBackup } from '../backup/restore-backup.ts';
import { dockerSocketPath } from '../capabilities.ts';

const print = (line: string) => process.stderr.write(`${line}\n`);

/** `cameleer-runner backup`: progress on stderr, the archive's path alone on stdout. */
export async function backupCommand(opts: { stateDir: string; to?: string }): Promise<void> {
  const docker = await reachableDocker();
  if (!docker) print('  Docker is not reachable here: no Docker volumes in this backup');
  const { file } = await createBackup({
    stateDir: opts.stateDir,
    progress: print,
    ...(opts.to ? { to: opts.to } : {}),
    ...(docker ? { docker } : {}),
  });
  process.stdout.write(`${file}\n`);
}

export async function restoreCommand(
  file: string,
  opts: { stateDir: string; force?: boolean },
): Promise<void> {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const docker = await reachableDocker();
  await restoreBackup({
    file,
    stateDir: opts.stateDir,
    force: !!opts.force,
    progress: print,
    ...(docker ? { docker } : {}),
  });
}

/** The engine of DOCKER_HOST or the default socket when it answers within 5 s; dockerode reads DOCKER_HOST. */
async function reachableDocker(): Promise<Docker | undefined> {
  if (!process.env.DOCKER_HOST && !existsSync(dockerSocketPath)) return undefined;
  const docker = new Docker({ timeout: 5000 });
  return docker.ping().then(
    () => docker,
    () => undefined,
  );
}
