import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseEnv } from '@cameleer/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestClickHouse } from '../../test/clickhouse.ts';
import { appliedClickHouseMigrations } from '../telemetry/clickhouse-migrate.ts';
import { createTelemetryClickHouse } from './clickhouse-client.ts';
import { loadClickHouseMigrations } from './clickhouse-migrations.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-telemetry-ch-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const versions = loadClickHouseMigrations().map((m) => m.version);

describe('the telemetry ClickHouse', () => {
  it('is chDB in the data directory by default, served over HTTP and migrated', async () => {
    const telemetry = await createTelemetryClickHouse({ dataDir, ...ClickHouseEnv.parse({}) });
    try {
      expect(telemetry.embedded).toBe(true);
      expect(telemetry.connection).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      expect(existsSync(join(dataDir, 'clickhouse'))).toBe(true);
      expect(await appliedClickHouseMigrations(telemetry.client)).toEqual(versions);
      expect(await (await fetch(`${telemetry.connection.url}/ping`)).text()).toBe('Ok.\n');
    } finally {
      await telemetry.close();
    }
    // Closed: the port is released, and the engine can be opened again on the same data.
    const again = await createTelemetryClickHouse({ dataDir });
    try {
      expect(await appliedClickHouseMigrations(again.client)).toEqual(versions);
    } finally {
      await again.close();
    }
  });

  it('is the ClickHouse server named by CAMELEER_CLICKHOUSE_URL, in its database, migrated', async () => {
    const server = await startTestClickHouse();
    try {
      await server.client.command({ query: 'CREATE DATABASE IF NOT EXISTS telemetry' });
      const env = ClickHouseEnv.parse({
        CAMELEER_CLICKHOUSE_URL: server.url,
        CAMELEER_CLICKHOUSE_USER: 'default',
        CAMELEER_CLICKHOUSE_PASSWORD: ' ',
        CAMELEER_CLICKHOUSE_DATABASE: 'telemetry',
      });
      const telemetry = await createTelemetryClickHouse({ dataDir, ...env });
      try {
        expect(telemetry.embedded).toBe(false);
        expect(telemetry.connection).toEqual({ url: server.url, username: 'default', database: 'telemetry' });
        const tables = await server.client.query({
          query:
            "SELECT count() AS n FROM system.tables WHERE database = 'telemetry' AND name = 'otel_traces'",
          format: 'JSONEachRow',
        });
        expect(await tables.json()).toEqual([{ n: 1 }]);
        expect(await appliedClickHouseMigrations(telemetry.client)).toEqual(versions);
      } finally {
        await telemetry.close();
      }
    } finally {
      await server.close();
    }
  });

  it('refuses a malformed URL', () => {
    expect(() => ClickHouseEnv.parse({ CAMELEER_CLICKHOUSE_URL: 'not a url' })).toThrow();
  });
});
