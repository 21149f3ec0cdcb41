import { bootstrap } from '../bootstrap.ts';
import { systemClock } from '../clock.ts';
import { parseNodeConfig } from '../config/node.ts';
import { createTelemetryClickHouse } from './clickhouse-client.ts';
import { openPostgres } from './database.ts';
import { nodeEnvironment } from './secret-files.ts';

/**
 * Prepares a PostgreSQL server for an edge that does not migrate itself (the
 * Workers edge): applies the migrations as the schema owner, then creates what
 * a first start creates (the admin, the `default` tenant, CAMELEER_ADMIN_TOKEN)
 * and prints a one-time sign-in link for CAMELEER_PUBLIC_URL. With CAMELEER_CLICKHOUSE_URL, it
 * also applies the ClickHouse migrations there.
 *   DATABASE_URL=postgres://… CAMELEER_PUBLIC_URL=https://… npx tsx edge/src/node/setup.ts
 */
async function main() {
  const config = parseNodeConfig(nodeEnvironment(process.env));
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL: set it to the PostgreSQL server to prepare');
  const database = await openPostgres(config.DATABASE_URL, config.DATABASE_MIGRATION_URL, 1);
  try {
    const publicUrl = (config.CAMELEER_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
    const { loginUrl } = await bootstrap(database.db, systemClock, {
      adminToken: config.CAMELEER_ADMIN_TOKEN,
      publicUrl,
    });
    if (config.CAMELEER_CLICKHOUSE_URL) {
      const clickhouse = await createTelemetryClickHouse({ ...config, dataDir: config.CAMELEER_DATA_DIR });
      await clickhouse.close();
    }
    process.stdout.write(`migrations applied; sign in once with:\n  ${loginUrl}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`setup: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
