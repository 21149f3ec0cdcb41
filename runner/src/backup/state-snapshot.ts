import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { stateFiles } from '../state/state-dir.ts';
import type { BackupEntry, BackupVolume } from './backup-manifest.ts';
import { hashingTap } from './hashing-tap.ts';

/** Where the process orchestrator keeps its apps' volumes, inside the state directory. */
const processVolumes = join('apps', 'volumes');

/**
 * Copies the state directory into `staged/state/`, hashing each file, while the runner may be
 * writing. That copy is consistent without stopping the runner because of how the runner writes:
 * identity, key, status, the process apps' state, downloaded artifacts and every spool file are
 * written whole to a temporary file and renamed over the old one, so a file opened here is one
 * whole version, and the temporaries (`*.tmp`, downloads in progress `*.part`) are left out; a
 * spool file stored and deleted meanwhile is simply not in the backup. Of the files appended in
 * place (the journal, logs), the journal is the one whose lines matter: it is read at once and cut
 * after its last complete line (the runner's own reading of the journal treats a command without
 * its finish line as interrupted, never as one to run again). Files the apps write in their
 * volumes are copied as they are at that moment, as any file-level backup does.
 */
export async function snapshotStateDir(
  stateDir: string,
  staged: string,
  progress: (line: string) => void,
): Promise<{ entries: BackupEntry[]; volumes: BackupVolume[] }> {
  const files = stateFiles(stateDir);
  const entries: BackupEntry[] = [];
  let bytes = 0;
  for (const item of await readdir(files.dir, { recursive: true, withFileTypes: true })) {
    const source = join(item.parentPath, item.name);
    const rel = relative(files.dir, source).split('\\').join('/');
    if (/\.(tmp|part)$/.test(rel) || rel.startsWith('.restore-')) continue;
    const path = `state/${rel}`;
    const mode = await stat(source).then(
      (s) => s.mode & 0o777,
      () => undefined,
    );
    if (mode === undefined) continue;
    if (item.isDirectory()) {
      entries.push({ path, type: 'directory', mode, size: 0 });
      continue;
    }
    if (!item.isFile()) continue;
    const target = join(staged, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const copied =
      source === files.journal ? await copyWholeLines(source, target) : await copyHashed(source, target);
    if (!copied) continue;
    entries.push({ path, type: 'file', mode, ...copied });
    bytes += copied.size;
  }
  progress(
    `  state directory: ${entries.filter((e) => e.type === 'file').length} files, ${megabytes(bytes)}`,
  );
  const volumes = entries
    .filter((e) => e.type === 'directory' && dirname(e.path) === `state/${processVolumes}`)
    .map(
      (e): BackupVolume => ({
        orchestrator: 'process',
        archived: false,
        name: e.path.split('/').pop() ?? e.path,
        entry: e.path,
      }),
    );
  return { entries: sortParentsFirst(entries), volumes };
}

export function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A copy and its SHA-256; undefined when the file went away before it was opened. */
export async function copyHashed(
  source: string,
  target: string,
): Promise<{ size: number; sha256: string } | undefined> {
  const { tap, digest } = hashingTap();
  try {
    await pipeline(createReadStream(source), tap, createWriteStream(target, { mode: 0o600 }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return digest();
}

async function copyWholeLines(source: string, target: string): Promise<{ size: number; sha256: string }> {
  const text = await readFile(source);
  const whole = text.subarray(0, text.lastIndexOf(0x0a) + 1);
  await writeFile(target, whole, { mode: 0o600 });
  return { size: whole.length, sha256: createHash('sha256').update(whole).digest('hex') };
}

function sortParentsFirst(entries: BackupEntry[]): BackupEntry[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
