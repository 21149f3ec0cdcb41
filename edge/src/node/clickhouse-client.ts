import { join } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { z } from 'zod';
import { migrateClickHouse } from '../telemetry/clickhouse-migrate.ts';
import { type ChdbProcess, spawnChdbServer } from './chdb-process.ts';
import { loadClickHouseMigrations } from './clickhouse-migrations.ts';

const optional = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

/** Where telemetry is stored, from the environment. Without a URL: chDB in the data directory. */
export const ClickHouseEnv = z.object({
  /** A ClickHouse server's HTTP interface (http://host:8123) instead of the embedded chDB. */
  CAMELEER_CLICKHOUSE_URL: optional.pipe(z.url().optional()),
  CAMELEER_CLICKHOUSE_USER: optional,
  /** Never logged. */
  CAMELEER_CLICKHOUSE_PASSWORD: optional,
  CAMELEER_CLICKHOUSE_DATABASE: optional,
});
export type ClickHouseEnv = z.infer<typeof ClickHouseEnv>;

export type TelemetryClickHouseConfig = {
  /** Where the embedded chDB keeps its data: `<dataDir>/clickhouse`. */
  dataDir: string;
  /** Port of the embedded server (default any free one). */
  embeddedPort?: number;
} & Partial<ClickHouseEnv>;

/** How to reach the ClickHouse in use: what the pipeline (runner) needs to write to it. */
export type ClickHouseConnection = { url: string; username?: string; password?: string; database?: string };

export type TelemetryClickHouse = {
  connection: ClickHouseConnection;
  /** Whether this is the embedded chDB (served by this process). */
  embedded: boolean;
  client: ClickHouseClient;
  close(): Promise<void>;
};

/** The telemetry ClickHouse, migrated: the configured server, or chDB served by a child process. */
export async function createTelemetryClickHouse(
  config: TelemetryClickHouseConfig,
): Promise<TelemetryClickHouse> {
  let server: ChdbProcess | undefined;
  let connection: ClickHouseConnection;
  if (config.CAMELEER_CLICKHOUSE_URL) {
    connection = {
      url: config.CAMELEER_CLICKHOUSE_URL,
      ...(config.CAMELEER_CLICKHOUSE_USER ? { username: config.CAMELEER_CLICKHOUSE_USER } : {}),
      ...(config.CAMELEER_CLICKHOUSE_PASSWORD ? { password: config.CAMELEER_CLICKHOUSE_PASSWORD } : {}),
      ...(config.CAMELEER_CLICKHOUSE_DATABASE ? { database: config.CAMELEER_CLICKHOUSE_DATABASE } : {}),
    };
  } else {
    server = await spawnChdbServer(join(config.dataDir, 'clickhouse'), config.embeddedPort ?? 0);
    connection = { url: server.url };
  }
  const client = createClient(connection);
  try {
    await migrateClickHouse(client, loadClickHouseMigrations());
  } catch (err) {
    await client.close();
    await server?.stop();
    throw err;
  }
  return {
    connection,
    embedded: server !== undefined,
    client,
    async close() {
      await client.close();
      await server?.stop();
    },
  };
}
