import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  type ClickHouseClient,
  ClickHouseError,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
} from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateClickHouse } from '../telemetry/clickhouse-migrate.ts';
import { type ChdbServer, startChdbServer } from './chdb-server.ts';
import { loadClickHouseMigrations } from './clickhouse-migrations.ts';

// One engine for the file: chDB binds one data directory per process.
const dataDir = mkdtempSync(join(tmpdir(), 'cameleer-chdb-server-'));
let server: ChdbServer;
let client: ClickHouseClient;
const quiet = { log: { level: ClickHouseLogLevel.OFF } };

beforeAll(async () => {
  server = await startChdbServer({ dataDir });
  client = createClient({ url: server.url, ...quiet });
  await migrateClickHouse(client, loadClickHouseMigrations());
});
afterAll(async () => {
  await client?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// Recent times: rows older than their RetentionDays are dropped by TTL at insert.
const utcNow = (offsetMs = 0) =>
  new Date(Date.now() + offsetMs).toISOString().replace('T', ' ').replace('Z', '');

const span = (tenant: string, i: number, extra: Record<string, unknown> = {}) => ({
  TenantId: tenant,
  Environment: 'prod',
  App: 'orders',
  DeploymentId: 'dep_1',
  Timestamp: utcNow(-i),
  TraceId: `trace-${tenant}-${i}`,
  SpanId: `span-${i}`,
  SpanName: 'from',
  SpanKind: 'Server',
  Duration: 1_000_000 * (i + 1),
  StatusCode: i === 0 ? 'Error' : 'Ok',
  // camel.route.id only: the shape route_edges_1m still aggregates per span.
  SpanAttributes: { 'camel.route.id': 'route-1' },
  ...extra,
});

async function rows<T>(query: string, query_params: Record<string, unknown> = {}): Promise<T[]> {
  return (await client.query({ query, query_params, format: 'JSONEachRow' })).json<T>();
}

describe('chDB behind the ClickHouse HTTP interface', () => {
  it('answers ping, runs DDL and selects in the format asked for', async () => {
    expect(await client.ping()).toEqual({ success: true });
    expect(await (await fetch(`${server.url}/ping`)).text()).toBe('Ok.\n');
    await client.command({
      query: 'CREATE TABLE IF NOT EXISTS kv (k String, v UInt64) ENGINE = MergeTree ORDER BY k',
    });
    await client.insert({ table: 'kv', values: [['a', 1]] }); // the client's default, JSONCompactEachRow
    const json = await (await client.query({ query: 'SELECT k, v FROM kv', format: 'JSON' })).json<{
      k: string;
    }>();
    expect(json.data).toEqual([{ k: 'a', v: 1 }]);
    expect(await (await client.query({ query: 'SELECT k, v FROM kv', format: 'CSV' })).text()).toBe(
      '"a",1\n',
    );
    // URL settings reach SELECTs: 64-bit integers quoted (ClickHouse 26 does not by default).
    const quoted = await client.query({
      query: 'SELECT v FROM kv',
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    });
    expect(await quoted.json()).toEqual([{ v: '1' }]);
  });

  it('stores a batch retried with the same deduplication token once, also in the materialized views', async () => {
    const batch = [0, 1, 2].map((i) => span('ten_dedup', i));
    const settings: ClickHouseSettings = {
      insert_deduplication_token: 'batch-1',
      deduplicate_blocks_in_dependent_materialized_views: 1,
    };
    const first = await client.insert({
      table: 'otel_traces',
      values: batch,
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
    expect(Number(first.summary?.written_rows)).toBeGreaterThanOrEqual(3);
    await client.insert({
      table: 'otel_traces',
      values: batch,
      format: 'JSONEachRow',
      clickhouse_settings: settings,
    });
    const count = "SELECT count() AS n FROM otel_traces WHERE TenantId = 'ten_dedup'";
    expect(await rows(count)).toEqual([{ n: 3 }]);
    const edges = `SELECT countMerge(Calls) AS calls, countIfMerge(Failures) AS failures
      FROM route_edges_1m WHERE TenantId = 'ten_dedup'`;
    expect(await rows(edges)).toEqual([{ calls: 3, failures: 1 }]);
    expect(
      await rows("SELECT count() AS n FROM otel_traces_trace_id_ts WHERE TenantId = 'ten_dedup'"),
    ).toEqual([{ n: 3 }]);

    // Another token is another batch: the dedup is by token, not by dropping everything.
    await client.insert({
      table: 'otel_traces',
      values: batch,
      format: 'JSONEachRow',
      clickhouse_settings: { ...settings, insert_deduplication_token: 'batch-2' },
    });
    expect(await rows(count)).toEqual([{ n: 6 }]);
    expect(await rows(edges)).toEqual([{ calls: 6, failures: 2 }]);
  });

  it('binds query parameters as a server does, whatever characters they hold', async () => {
    const odd = "it's \\ a\ttab\nline";
    await client.insert({
      table: 'otel_traces',
      values: [span('ten_params', 0, { SpanName: odd }), span('ten_other', 0, { SpanName: odd })],
      format: 'JSONEachRow',
    });
    const found = await rows<{ SpanName: string; TenantId: string }>(
      `SELECT SpanName, TenantId FROM otel_traces
       WHERE TenantId = {tenant:String} AND SpanName = {name:String} AND App IN {apps:Array(String)}
         AND Timestamp > {since:DateTime64(9)}`,
      { tenant: 'ten_params', name: odd, apps: ['orders', "o'ther"], since: utcNow(-3_600_000) },
    );
    expect(found).toEqual([{ SpanName: odd, TenantId: 'ten_params' }]);
    const echoed = await rows('SELECT {a:Array(String)} AS a, {n:Nullable(String)} AS n, {u:UInt64} AS u', {
      a: [odd, 'b'],
      n: null,
      u: 4294967296n,
    });
    expect(echoed).toEqual([{ a: [odd, 'b'], n: null, u: 4294967296 }]);
    // An injection attempt is just a value.
    expect(
      await rows('SELECT count() AS n FROM otel_traces WHERE TenantId = {t:String}', { t: "x' OR 1=1 --" }),
    ).toEqual([{ n: 0 }]);
  });

  it('reports errors as the server does, so the client raises them with code and message', async () => {
    const unknown = await client.query({ query: 'SELECT * FROM no_such_table' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ClickHouseError);
    expect(unknown).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    expect((unknown as Error).message).toContain('no_such_table');
    await expect(client.command({ query: 'SELEC 1' })).rejects.toMatchObject({
      code: '62',
      type: 'SYNTAX_ERROR',
    });
    // A server refuses several statements in one request; so does the shim, though chDB would run them.
    await expect(client.command({ query: 'SELECT 1; DROP TABLE kv' })).rejects.toThrow(/Multi-statements/);
    await expect(
      client.insert({ table: 'otel_traces', values: [{ Duration: 'not a number' }], format: 'JSONEachRow' }),
    ).rejects.toBeInstanceOf(ClickHouseError);
    await expect(rows('SELECT {x:UInt8} AS x', { x: 'abc' })).rejects.toBeInstanceOf(ClickHouseError);
    const response = await fetch(`${server.url}/?query=${encodeURIComponent('SELECT * FROM no_such_table')}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await response.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\)/);
  });

  it('takes gzip request bodies and rows in the body after the INSERT', async () => {
    const gzipClient = createClient({ url: server.url, compression: { request: true }, ...quiet });
    try {
      await gzipClient.insert({ table: 'kv', values: [{ k: 'gz', v: 2 }], format: 'JSONEachRow' });
    } finally {
      await gzipClient.close();
    }
    const inline = await fetch(`${server.url}/`, {
      method: 'POST',
      body: 'INSERT INTO kv FORMAT JSONEachRow\n{"k":"inline","v":3}\n',
    });
    expect(inline.status).toBe(200);
    expect(await rows("SELECT k, v FROM kv WHERE k IN ('gz', 'inline') ORDER BY k")).toEqual([
      { k: 'gz', v: 2 },
      { k: 'inline', v: 3 },
    ]);
  });

  it('takes compact rows under a column list that names Nested subcolumns, quoted or not', async () => {
    await client.command({
      query:
        'CREATE TABLE IF NOT EXISTS nested (k String, E Nested(n String, t UInt8)) ENGINE = MergeTree ORDER BY k',
    });
    for (const [k, columns] of [
      ['plain', 'k, E.n, E.t'],
      ['quoted', 'k, `E.n`, `E.t`'],
    ]) {
      await client.exec({
        query: `INSERT INTO nested (${columns}) FORMAT JSONCompactEachRow`,
        values: Readable.from([Buffer.from(`["${k}",["a","b"],[1,2]]\n`)]),
      });
    }
    expect(await rows('SELECT k, E.n AS n, E.t AS t FROM nested ORDER BY k')).toEqual([
      { k: 'plain', n: ['a', 'b'], t: [1, 2] },
      { k: 'quoted', n: ['a', 'b'], t: [1, 2] },
    ]);
  });

  it('survives malformed requests and keeps serving', async () => {
    const post = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { method: 'POST', ...init });
    expect((await post('/', { body: 'not gzip', headers: { 'content-encoding': 'gzip' } })).status).toBe(400);
    expect((await post('/', { body: '', headers: { 'content-encoding': 'zip-zap' } })).status).toBe(400);
    expect((await post('/', { body: '' })).status).toBe(400); // empty query
    expect((await post('/nowhere', { body: 'SELECT 1' })).status).toBe(500);
    expect((await fetch(`${server.url}/?query=${encodeURIComponent('DROP TABLE kv')}`)).status).toBe(403); // GET is read-only
    expect((await post('/?query=SELECT%201&bad%20setting=1')).status).toBe(400);
    expect(
      (await post(`/?query=${encodeURIComponent('INSERT INTO kv FORMAT JSONEachRow')}`, { body: '{"k": [' }))
        .status,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (
        await post(`/?query=${encodeURIComponent('INSERT INTO kv FORMAT RowBinary')}`, {
          body: gzipSync('binary'),
        })
      ).status,
    ).toBe(500);
    expect(
      (await post('/', { body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=zz' } }))
        .status,
    ).toBe(400);
    // Not even HTTP.
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('\x00\x01garbage\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => {
        data += d;
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(await client.ping()).toEqual({ success: true });
    expect(await rows("SELECT count() AS n FROM kv WHERE k = 'a'")).toEqual([{ n: 1 }]);
  });

  it('uses the database the client names', async () => {
    await client.command({ query: 'CREATE DATABASE IF NOT EXISTS other' });
    const other = createClient({ url: server.url, database: 'other', ...quiet });
    try {
      await other.command({
        query: 'CREATE TABLE IF NOT EXISTS kv (k String) ENGINE = MergeTree ORDER BY k',
      });
      await other.insert({ table: 'kv', values: [{ k: 'in-other' }], format: 'JSONEachRow' });
      const inOther = await other.query({
        query: 'SELECT currentDatabase() AS db, k FROM kv',
        format: 'JSONEachRow',
      });
      expect(await inOther.json()).toEqual([{ db: 'other', k: 'in-other' }]);
    } finally {
      await other.close();
    }
    expect(await rows("SELECT currentDatabase() AS db, count() AS n FROM kv WHERE k = 'in-other'")).toEqual([
      { db: 'default', n: 0 },
    ]);
  });

  it('stops (connections refused) and starts again on the same port with the data kept', async () => {
    await client.insert({ table: 'kv', values: [{ k: 'kept', v: 9 }], format: 'JSONEachRow' });
    await server.stop();
    // A kept-alive socket may first hang up; then nothing accepts.
    await client.query({ query: 'SELECT 1' }).catch(() => {});
    await expect(client.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await client.ping()).success).toBe(false);
    await server.start();
    expect(await rows("SELECT v FROM kv WHERE k = 'kept'")).toEqual([{ v: 9 }]);
  });
});
