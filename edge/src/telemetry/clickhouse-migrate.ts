/**
 * Versioned ClickHouse DDL (`migrations/clickhouse/NNNN_name.sql`), applied once each, in order.
 * Runtime-neutral: it needs only a client, so the edge can migrate from Node or a Worker.
 *
 * ClickHouse has no transactional DDL, so a migration is recorded after its statements ran and
 * its statements must be idempotent (`IF NOT EXISTS`): a run that died halfway, or two processes
 * migrating at once, then simply apply them again. The log is a ReplacingMergeTree, so a version
 * recorded twice by such a race still reads as one.
 */

export type ClickHouseMigration = { version: string; sql: string };

/**
 * What the runner needs of a ClickHouse client: `@clickhouse/client`'s or `-web`'s fits. Spelled out
 * rather than picked from `@clickhouse/client-common`, whose declarations `@clickhouse/client` 1.23.1
 * no longer shares (it bundles its own copy, which TypeScript does not take as the same type).
 */
export interface MigrationClient {
  command(params: { query: string }): Promise<unknown>;
  query(params: { query: string; format: 'JSONEachRow' }): Promise<{ json<T>(): Promise<T[]> }>;
  insert(params: {
    table: string;
    values: ReadonlyArray<Record<string, unknown>>;
    format: 'JSONEachRow';
  }): Promise<unknown>;
}

export const migrationsTable = 'cameleer_schema_migrations';

/** The statements of a migration file: `--` comment lines dropped, split at `;` ending a line. */
export function migrationStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;[ \t]*$/m)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

export async function appliedClickHouseMigrations(client: MigrationClient): Promise<string[]> {
  const result = await client.query({
    query: `SELECT DISTINCT version FROM ${migrationsTable} ORDER BY version`,
    format: 'JSONEachRow',
  });
  return (await result.json<{ version: string }>()).map((row) => row.version);
}

/** Applies the migrations not yet recorded, in version order; returns the versions it applied. */
export async function migrateClickHouse(
  client: MigrationClient,
  migrations: readonly ClickHouseMigration[],
): Promise<string[]> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${migrationsTable} (
      version String,
      applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const applied = new Set(await appliedClickHouseMigrations(client));
  const pending = [...migrations]
    .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0))
    .filter((m) => !applied.has(m.version));
  for (const migration of pending) {
    for (const statement of migrationStatements(migration.sql)) {
      await client.command({ query: statement });
    }
    await client.insert({
      table: migrationsTable,
      values: [{ version: migration.version }],
      format: 'JSONEachRow',
    });
  }
  return pending.map((m) => m.version);
}
