import { join } from 'node:path';
import { type ClickHouseConnection, type ClickHouseEnv, clickhouseConnectionOf } from '@cameleer/shared';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { migrateClickHouse } from '../telemetry/clickhouse-migrate.ts';
import { type ChdbProcess, spawnChdbServer } from './chdb-process.ts';
import { loadClickHouseMigrations } from './clickhouse-migrations.ts';

export type TelemetryClickHouseConfig = {
  /** Where the embedded chDB keeps its data: `<dataDir>/clickhouse`. */
  dataDir: string;
  /** Port of the embedded server (default any free one). */
  embeddedPort?: number;
} & Partial<ClickHouseEnv>;

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
  let connection = clickhouseConnectionOf(config);
  if (!connection) {
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
