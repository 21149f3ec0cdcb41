import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { type ChdbProcess, spawnChdbServer } from '../src/node/chdb-process.ts';
import { loadClickHouseMigrations } from '../src/node/clickhouse-migrations.ts';
import { migrateClickHouse } from '../src/telemetry/clickhouse-migrate.ts';

export type TestClickHouse = {
  /** The ClickHouse HTTP interface, stable across `stop()`/`start()`. */
  url: string;
  /** A client of it, with the migrations applied. */
  client: ClickHouseClient;
  /** The server goes down (connections refused); the data stays. */
  stop(): Promise<void>;
  /** The server is back on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops the server, closes the client and removes a data directory the fixture made. */
  close(): Promise<void>;
};

/**
 * A migrated embedded ClickHouse (chDB behind the HTTP interface) in a child process of its own, so
 * that every test can have one (chDB binds one data directory per process) and `stop()` is a real
 * outage. Give `dataDir` to keep the data after `close()`.
 */
export async function startTestClickHouse(
  opts: { dataDir?: string; port?: number } = {},
): Promise<TestClickHouse> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cameleer-clickhouse-'));
  let server: ChdbProcess | undefined;
  try {
    server = await spawnChdbServer(dataDir, opts.port ?? 0);
  } catch (err) {
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const url = server.url;
  const port = Number(new URL(url).port);
  const client = createClient({ url, max_open_connections: 20 });
  await migrateClickHouse(client, loadClickHouseMigrations());
  return {
    url,
    client,
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      if (!server) server = await spawnChdbServer(dataDir, port);
    },
    async close() {
      await client.close();
      await server?.stop();
      server = undefined;
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
