import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { BackupManifest, BackupRefused, isSafeEntryPath, manifestName } from './backup-manifest.ts';
import { hashingTap } from './hashing-tap.ts';

const maxManifestBytes = 64 * 2 ** 20;

/**
 * Writes the archive: the manifest first, so a restore knows every checksum before it reads a file,
 * then each entry from `staged`, the folder holding them at their archive paths. Written to a
 * temporary file renamed into place, so a failed backup leaves no half archive under the name.
 */
export async function writeBackupArchive(
  file: string,
  manifest: BackupManifest,
  staged: string,
): Promise<void> {
  const tmp = `${file}.partial`;
  const archive = pack();
  const written = pipeline(archive, createGzip(), createWriteStream(tmp, { mode: 0o600 }));
  try {
    const body = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    archive.entry({ name: manifestName, size: body.length, mode: 0o600 }, body);
    for (const entry of manifest.entries) {
      if (entry.type === 'directory') {
        archive.entry({ name: `${entry.path}/`, type: 'directory', mode: entry.mode });
        continue;
      }
      const sink = archive.entry({ name: entry.path, size: entry.size, mode: entry.mode });
      await pipeline(createReadStream(join(staged, entry.path)), sink);
    }
    archive.finalize();
    await written;
  } catch (err) {
    archive.destroy();
    await written.catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, file);
}

/**
 * Reads an archive into `staging` and checks it whole: the manifest first and valid, every path
 * safe, every file of the manifest present once with its size and SHA-256, nothing more. Only then
 * does a restore move anything into place.
 */
export async function readBackupArchive(file: string, staging: string): Promise<BackupManifest> {
  const entries = extract();
  const reading = pipeline(createReadStream(file), createGunzip(), entries);
  let manifest: BackupManifest | undefined;
  const seen = new Set<string>();
  try {
    for await (const entry of entries) {
      const { name, type } = entry.header;
      if (!manifest) {
        if (name !== manifestName)
          throw new BackupRefused(`${file} is not a runner backup: it does not start with ${manifestName}`);
        manifest = parseManifest(await readAll(entry, maxManifestBytes));
        continue;
      }
      const path = name.replace(/\/$/, '');
      const expected = manifest.entries.find((e) => e.path === path);
      if (!expected || seen.has(path) || expected.type !== (type === 'directory' ? 'directory' : 'file'))
        throw new BackupRefused(`${file} holds ${name}, which its manifest does not list: refused`);
      seen.add(path);
      const target = join(staging, path);
      if (expected.type === 'directory') {
        await mkdir(target, { recursive: true, mode: 0o700 });
        entry.resume();
        continue;
      }
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const { tap, digest } = hashingTap();
      await pipeline(entry, tap, createWriteStream(target, { mode: 0o600 }));
      const { size, sha256 } = digest();
      if (size !== expected.size || sha256 !== expected.sha256)
        throw new BackupRefused(
          `${path} in ${file} does not match its checksum in the manifest: the backup is damaged or was changed`,
        );
      await chmod(target, expected.mode & 0o777);
    }
    await reading;
  } catch (err) {
    entries.destroy();
    await reading.catch(() => undefined);
    if (err instanceof BackupRefused) throw err;
    throw new BackupRefused(`${file} cannot be read as a runner backup: ${(err as Error).message}`);
  }
  if (!manifest) throw new BackupRefused(`${file} is empty`);
  const missing = manifest.entries.filter((e) => !seen.has(e.path));
  if (missing.length > 0)
    throw new BackupRefused(
      `${file} lacks ${missing.length} entries its manifest lists (first: ${missing[0]?.path})`,
    );
  return manifest;
}

function parseManifest(text: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupRefused(`the backup's ${manifestName} is not JSON`);
  }
  const parsed = BackupManifest.safeParse(json);
  if (!parsed.success)
    throw new BackupRefused(`the backup's ${manifestName} is not a runner backup manifest (version 1)`);
  const unsafe = parsed.data.entries.find((e) => !isSafeEntryPath(e.path));
  if (unsafe)
    throw new BackupRefused(`the backup names ${unsafe.path}, outside the state and volumes: refused`);
  const listed = new Map(parsed.data.entries.map((e) => [e.path, e.type]));
  const stray = parsed.data.volumes.find((v) => listed.get(v.entry) !== (v.archived ? 'file' : 'directory'));
  if (stray)
    throw new BackupRefused(`the backup's volume ${stray.name} names no entry of the archive: refused`);
  const files = parsed.data.entries.filter((e) => e.type === 'file');
  if (files.some((e) => !e.sha256))
    throw new BackupRefused('the backup lists a file without a checksum: refused');
  return parsed.data;
}

async function readAll(stream: AsyncIterable<unknown>, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const item of stream) {
    const chunk = item as Buffer;
    size += chunk.length;
    if (size > max) throw new BackupRefused(`the backup's ${manifestName} is larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
