import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { loadClickHouseMigrations } from '../src/node/clickhouse-migrations.ts';
import { migrateClickHouse } from '../src/telemetry/clickhouse-migrate.ts';

const root = join(import.meta.dirname, '..', '..');

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

type ChdbProcess = { url: string; child: ChildProcess; stop(): Promise<void> };

async function spawnChdbServer(dataDir: string, port: number): Promise<ChdbProcess> {
  // Node itself with tsx's loader; stdin is a pipe the server watches, so it dies with the test.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'edge/src/node/chdb-server-main.ts',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--watch-stdin',
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chDB server did not start in 30 s:\n${out}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /chdb-server listening (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`chDB server exited (${code ?? signal}):\n${out}`));
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
