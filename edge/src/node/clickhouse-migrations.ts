import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseMigration } from '../telemetry/clickhouse-migrate.ts';

export const clickhouseMigrationsFolder = fileURLToPath(
  new URL('../../../migrations/clickhouse', import.meta.url),
);

/** The repository's ClickHouse migrations, `NNNN_name.sql`, versioned by file name. */
export function loadClickHouseMigrations(folder = clickhouseMigrationsFolder): ClickHouseMigration[] {
  return readdirSync(folder)
    .filter((name) => /^\d+_[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ''), sql: readFileSync(join(folder, name), 'utf8') }));
}
