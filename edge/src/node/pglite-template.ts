/**
 * A migrated, empty PGlite data directory as a tarball, made when the edge is built
 * (scripts/build-entries.ts): PGlite's initdb runs in WebAssembly and is most of a first start, so a
 * fresh data directory is unpacked from this instead. It holds only what the migrations make, no
 * secrets and no tenant: bootstrap still creates those per install. Keyed by the PGlite version and
 * the migrations, so a changed schema never unpacks an old one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

const templatesDir = fileURLToPath(new URL('../../dist/pglite-templates', import.meta.url));

export function pgliteTemplateFile(migrationsFolder: string): string {
  const hash = createHash('sha256');
  // Its package.json is not exported; its entry point sits in dist/ below it.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  hash.update(JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')).version);
  for (const file of filesUnder(migrationsFolder)) {
    hash.update(file);
    hash.update(readFileSync(join(migrationsFolder, file)));
  }
  return join(templatesDir, `${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** The template for these migrations, when one was made. */
export function readPgliteTemplate(migrationsFolder: string): Blob | undefined {
  const file = pgliteTemplateFile(migrationsFolder);
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}

export async function writePgliteTemplate(migrationsFolder: string): Promise<string> {
  const file = pgliteTemplateFile(migrationsFolder);
  if (existsSync(file)) return file;
  const client = new PGlite();
  try {
    await migrate(drizzle({ client }), { migrationsFolder });
    const dump = await client.dumpDataDir('gzip');
    mkdirSync(templatesDir, { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, new Uint8Array(await dump.arrayBuffer()));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } finally {
    await client.close();
  }
  return file;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
