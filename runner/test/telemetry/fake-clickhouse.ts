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
  rows(table: string): Record<string, unknown>[];
};

export function fakeClickHouse(): FakeClickHouse {
  const byToken = new Map<string, { table: string; rows: Record<string, unknown>[] }>();
  const fake: FakeClickHouse = {
    down: false,
    attempts: [],
    stored: [],
    async exec(params) {
      const token = String(params.clickhouse_settings?.insert_deduplication_token ?? '');
      fake.attempts.push(token);
      if (fake.down)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
      const table = /INSERT INTO (\w+) FORMAT JSONEachRow/.exec(params.query)?.[1] ?? '';
      let body = '';
      if (!('values' in params)) throw new Error('no values');
      for await (const chunk of params.values as Readable) body += chunk.toString();
      if (!byToken.has(token)) {
        const rows = body
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        byToken.set(token, { table, rows });
        fake.stored.push(token);
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
