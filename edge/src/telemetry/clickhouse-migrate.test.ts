import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import { loadClickHouseMigrations } from '../node/clickhouse-migrations.ts';
import { appliedClickHouseMigrations, migrateClickHouse, migrationStatements } from './clickhouse-migrate.ts';

let clickhouse: TestClickHouse;
beforeAll(async () => {
  clickhouse = await startTestClickHouse();
});
afterAll(async () => {
  await clickhouse?.close();
});

const migrations = loadClickHouseMigrations();
const utc = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe('ClickHouse migrations', () => {
  it('splits statements at a `;` ending a line and drops comment lines', () => {
    const sql = `-- a table; with a semicolon in the comment
CREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory;

-- the view
CREATE VIEW v AS SELECT 1;  
`;
    expect(migrationStatements(sql)).toEqual([
      "CREATE TABLE a (s String DEFAULT 'x;y') ENGINE = Memory",
      'CREATE VIEW v AS SELECT 1',
    ]);
  });

  it('applies every migration once, in order, into an empty database, and records it', async () => {
    expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort());
    expect(migrations.length).toBeGreaterThanOrEqual(4);
    await clickhouse.client.command({ query: 'CREATE DATABASE IF NOT EXISTS fresh' });
    const fresh = createClient({
      url: clickhouse.url,
      database: 'fresh',
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      expect(await migrateClickHouse(fresh, migrations)).toEqual(migrations.map((m) => m.version));
      expect(await appliedClickHouseMigrations(fresh)).toEqual(migrations.map((m) => m.version));
      const tables = await fresh.query({ query: 'SHOW TABLES', format: 'JSONEachRow' });
      expect((await tables.json<{ name: string }>()).map((t) => t.name)).toEqual(
        expect.arrayContaining([
          'otel_traces',
          'otel_traces_trace_id_ts',
          'otel_traces_trace_id_ts_mv',
          'route_edges_1m',
          'route_edges_1m_mv',
          'camel_hops',
          'camel_hops_1m',
          'camel_hops_1m_mv',
          'otel_logs',
          'otel_metrics_gauge',
          'otel_metrics_sum',
          'otel_metrics_histogram',
          'otel_metrics_exponential_histogram',
          'otel_metrics_summary',
          'cameleer_schema_migrations',
        ]),
      );
      // Run again: nothing to do.
      expect(await migrateClickHouse(fresh, migrations)).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('applies only what is new, and two processes migrating at once both succeed', async () => {
    const next = {
      version: '9999_probe',
      sql: '-- a later migration\nCREATE TABLE IF NOT EXISTS probe (k String) ENGINE = MergeTree ORDER BY k;\n',
    };
    const other = createClient({ url: clickhouse.url });
    try {
      const [a, b] = await Promise.all([
        migrateClickHouse(clickhouse.client, [...migrations, next]),
        migrateClickHouse(other, [...migrations, next]),
      ]);
      expect(a.length + b.length).toBeGreaterThanOrEqual(1);
      expect([...a, ...b].every((v) => v === next.version)).toBe(true);
    } finally {
      await other.close();
    }
    expect(await appliedClickHouseMigrations(clickhouse.client)).toEqual([
      ...migrations.map((m) => m.version),
      next.version,
    ]);
    expect(await migrateClickHouse(clickhouse.client, [...migrations, next])).toEqual([]);
  });

  it('expires rows past their RetentionDays (TTL per tenant tier) as soon as their part is merged', async () => {
    const log = (at: Date, retentionDays: number) => ({
      TenantId: 'ten_ttl',
      Environment: 'prod',
      App: 'orders',
      DeploymentId: 'dep_1',
      RetentionDays: retentionDays,
      Timestamp: utc(at),
      SeverityText: 'INFO',
      Body: `kept for ${retentionDays} days`,
    });
    const stored = async () => {
      const result = await clickhouse.client.query({
        query: `SELECT RetentionDays, dateDiff('day', Timestamp, now64(9)) AS age
                FROM otel_logs WHERE TenantId = {t:String} ORDER BY RetentionDays, age`,
        query_params: { t: 'ten_ttl' },
        format: 'JSONEachRow',
      });
      return result.json();
    };
    const insert = (values: ReturnType<typeof log>[]) =>
      clickhouse.client.insert({ table: 'otel_logs', values, format: 'JSONEachRow' });

    // A part holding only expired rows goes in the first background TTL merge, moments after the insert.
    await insert([log(daysAgo(10), 7)]);
    await vi.waitFor(async () => expect(await stored()).toEqual([]), { timeout: 15_000, interval: 100 });

    // Otherwise expired rows go in the part's next merge (a TTL merge comes at most every 4 hours).

    await insert([log(daysAgo(10), 7), log(daysAgo(10), 30), log(daysAgo(0), 7)]);
    await clickhouse.client.command({ query: 'OPTIMIZE TABLE otel_logs FINAL' });
    expect(await stored()).toEqual([
      { RetentionDays: 7, age: 0 },
      { RetentionDays: 30, age: 10 },
    ]);
  });
});
