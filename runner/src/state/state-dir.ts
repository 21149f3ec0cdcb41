import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const defaultStateDir = './.cameleer-runner';

/** Where each piece of the runner's local state lives inside its state directory. */
export function stateFiles(stateDir: string) {
  const dir = resolve(stateDir);
  return {
    dir,
    identity: join(dir, 'identity.json'),
    privateKey: join(dir, 'runner-key.json'),
    journal: join(dir, 'journal.jsonl'),
    status: join(dir, 'status.json'),
    log: join(dir, 'runner.log'),
  };
}
export type StateFiles = ReturnType<typeof stateFiles>;

/** Creates the state directory readable by its owner only. */
export function ensureStateDir(stateDir: string): StateFiles {
  const files = stateFiles(stateDir);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  chmodSync(files.dir, 0o700);
  return files;
}

/** Writes a whole file atomically (temp file + rename) so a crash never leaves half a file. */
export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}
