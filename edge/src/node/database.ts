import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { appRole, type Db } from '../db/client.ts';
import * as schema from '../db/schema/index.ts';
import { readPgliteTemplate } from './pglite-template.ts';

export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * PGlite's own start parameters, with PostgreSQL's buffers sized for a control plane's few megabytes
 * of rows: the default 128 MB of shared buffers lives in the WebAssembly memory and, once touched,
 * stays resident (bench/results/2026-12-profile-intake-memory.md). Durability is unchanged.
 */
const pgliteStartParams = [
  ...PGlite.defaultStartParams,
  ...['-c', 'shared_buffers=16MB', '-c', 'wal_buffers=1MB', '-c', 'temp_buffers=2MB'],
];

export type Database = { db: Db; kind: 'pglite' | 'postgres'; close(): Promise<void> };

/**
 * Embedded PostgreSQL (PGlite) in `dir`, or in memory when `dir` is undefined. Migrates, then drops
 * to the app role. A new `dir` starts from the built template when there is one (pglite-template.ts).
 */
export async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) mkdirSync(dir, { recursive: true });
  const template =
    dir && !existsSync(join(dir, 'PG_VERSION')) ? readPgliteTemplate(migrationsFolder) : undefined;
  const options = { startParams: pgliteStartParams };
  const client = dir
    ? new PGlite(
        template ? { ...options, dataDir: dir, loadDataDir: template } : { ...options, dataDir: dir },
      )
    : new PGlite(options);
  if (!(await isMigrated((text) => client.query<{ current: boolean }>(text)))) {
    await migratePglite(drizzlePglite({ client }), { migrationsFolder });
  }
  await client.exec(`SET ROLE ${appRole}`);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  await assertUnprivileged(db);
  return { db, kind: 'pglite', close: () => client.close() };
}

/**
 * A PostgreSQL server. Migrations run with `migrationUrl` (the schema owner);
 * every pooled connection of the app then acts as the non-owner `cameleer_app`.
 */
export async function openPostgres(url: string, migrationUrl = url, poolSize = 10): Promise<Database> {
  const owner = new pg.Pool({ connectionString: migrationUrl, max: 1 });
  try {
    if (!(await isMigrated((text) => owner.query<{ current: boolean }>(text)))) {
      await migrateNodePg(drizzleNodePg({ client: owner }), { migrationsFolder });
    }
  } finally {
    await owner.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c role=${appRole}` });
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Db;
  await assertUnprivileged(db);
  return { db, kind: 'postgres', close: () => pool.end() };
}

/**
 * Whether the newest migration is applied already, in one query: the migrator would otherwise read
 * and hash every migration file at each start to find nothing to do. It applies a migration when
 * its journal time is later than the latest it recorded, so the same comparison decides here.
 */
async function isMigrated(query: (text: string) => Promise<{ rows: Array<{ current: boolean }> }>) {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ when: number }>;
  };
  const latest = journal.entries.at(-1)?.when;
  if (latest === undefined) return false;
  try {
    const { rows } = await query(
      `select coalesce(max(created_at) >= ${Number(latest)}, false) as current from drizzle.__drizzle_migrations`,
    );
    return rows[0]?.current === true;
  } catch {
    return false; // no migrations table yet
  }
}

async function assertUnprivileged(db: Db): Promise<void> {
  const rows = await db.execute<{ rolsuper: boolean; rolbypassrls: boolean; current_user: string }>(
    sql`select current_user, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
  );
  const row = (rows as unknown as { rows?: unknown[] }).rows?.[0] ?? (rows as unknown as unknown[])[0];
  const role = row as { rolsuper: boolean; rolbypassrls: boolean; current_user: string } | undefined;
  if (!role || role.rolsuper || role.rolbypassrls) {
    throw new Error(
      `the application must not connect as a superuser or a role that bypasses row-level security (is ${role?.current_user})`,
    );
  }
}
