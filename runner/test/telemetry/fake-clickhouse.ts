import { Readable } from 'node:stream';
import type { PipelineClient } from '../../src/telemetry/pipeline/clickhouse-insert.ts';

/**
 * A stand-in for ClickHouse's insert path in unit tests of batching and spooling: stores rows per
 * table, deduplicates by token as ClickHouse does, and can be switched off. The fault tests run
 * against the real engine (chDB) instead.
 */
export type FakeClickHouse = PipelineClient & {
  down: boolean;
  /** Every insert attempt's token, in order, successful or not. */
  attempts: string[];
  /** Tokens stored, in the order they were. */
  stored: string[];
  /** The INSERT statement of each batch stored, in order. */
  queries: string[];
  rows(table: string): Record<string, unknown>[];
};

export function fakeClickHouse(): FakeClickHouse {
  const byToken = new Map<string, { table: string; rows: Record<string, unknown>[] }>();
  const fake: FakeClickHouse = {
    down: false,
    attempts: [],
    stored: [],
    queries: [],
    async exec(params) {
      const token = String(params.clickhouse_settings?.insert_deduplication_token ?? '');
      fake.attempts.push(token);
      if (fake.down)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
      // JSONEachRow, or JSONCompactEachRow under a column list: rows read back as objects either way.
      const insert = /INSERT INTO (\w+)(?: \(([^)]*)\))? FORMAT (JSONEachRow|JSONCompactEachRow)/.exec(
        params.query,
      );
      const table = insert?.[1] ?? '';
      const columns = insert?.[3] === 'JSONCompactEachRow' ? (insert[2] ?? '').split(', ') : undefined;
      let body = '';
      if (!('values' in params)) throw new Error('no values');
      for await (const chunk of params.values as Readable) body += chunk.toString();
      if (!byToken.has(token)) {
        const rows = body
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const row = JSON.parse(line) as Record<string, unknown> | unknown[];
            if (!columns) return row as Record<string, unknown>;
            return Object.fromEntries(columns.map((c, i) => [c, (row as unknown[])[i]]));
          });
        byToken.set(token, { table, rows });
        fake.stored.push(token);
        fake.queries.push(params.query);
      }
      return {
        stream: Readable.from([]),
        query_id: 'q',
        response_headers: {},
        http_status_code: 200,
      } as unknown as Awaited<ReturnType<PipelineClient['exec']>>;
    },
    async ping() {
      return fake.down ? { success: false, error: new Error('ECONNREFUSED') } : { success: true };
    },
    async close() {},
    rows(table) {
      return [...byToken.values()].filter((b) => b.table === table).flatMap((b) => b.rows);
    },
  };
  return fake;
}
