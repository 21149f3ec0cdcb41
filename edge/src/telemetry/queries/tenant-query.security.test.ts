import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../store.ts';
import { tenantCondition, tenantQuery, UnscopedQuery } from './tenant-query.ts';

type Sent = { sql: string; params: Record<string, unknown> };

/** Records what would reach ClickHouse and answers with a row every query can read. */
function recordingStore(sent: Sent[]): TelemetryStore {
  const row = {
    TraceId: 'abc',
    SpanId: 's1',
    ParentSpanId: '',
    ns: '1000000',
    key: '1',
    Duration: '5',
    eventNs: [],
    'Events.Name': [],
    'Events.Attributes': [],
    latency: [1, 2],
    calls: '1',
    failures: '0',
    severity: 9,
  };
  return {
    async query<T>(sql: string, params: Record<string, unknown>) {
      sent.push({ sql, params });
      return [row] as T[];
    },
  };
}

const here = new URL('.', import.meta.url);
const hostile = "ten_victim' OR 1=1 --";

/** Every filter set to a hostile value (that is still of the right type). */
const everyFilter = {
  from: new Date(Date.now() - 3_600_000),
  to: new Date(),
  app: hostile,
  environment: hostile,
  routeId: hostile,
  level: 'warn',
  text: hostile,
  status: 'error',
  minDurationMs: 5,
  limit: 10,
  cursor: '1000.1',
  traceId: hostile,
};

async function queryModules() {
  const files = (await readdir(here)).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'tenant-query.ts',
  );
  return Promise.all(
    files.map(async (file) => ({
      file,
      source: await readFile(new URL(file, here), 'utf8'),
      exports: (await import(new URL(file, here).href)) as Record<string, unknown>,
    })),
  );
}

describe('telemetry queries are tenant-scoped', () => {
  it('tenantQuery binds the tenant and refuses SQL that does not filter every read on it', async () => {
    const sent: Sent[] = [];
    const query = tenantQuery(recordingStore(sent), 'ten_a');
    await query(`SELECT 1 FROM otel_logs WHERE ${tenantCondition}`, { app: 'x', skipped: undefined });
    expect(sent).toEqual([
      { sql: `SELECT 1 FROM otel_logs WHERE ${tenantCondition}`, params: { app: 'x', tenant: 'ten_a' } },
    ]);
    await expect(query('SELECT 1 FROM otel_logs')).rejects.toThrow(UnscopedQuery);
    await expect(query("SELECT 1 FROM otel_logs WHERE TenantId = 'ten_a'")).rejects.toThrow(UnscopedQuery);
    await expect(
      query(`SELECT 1 FROM otel_logs WHERE ${tenantCondition} AND x IN (SELECT x FROM otel_traces)`),
    ).rejects.toThrow(UnscopedQuery);
    await expect(
      query(`SELECT 1 FROM otel_logs WHERE ${tenantCondition}`, { tenant: 'ten_b' }),
    ).rejects.toThrow(UnscopedQuery);
    expect(() => tenantQuery(recordingStore(sent), '')).toThrow(UnscopedQuery);
    expect(sent).toHaveLength(1);
  });

  it('every query module reaches the store only through tenantQuery, with constant SQL', async () => {
    const modules = await queryModules();
    const questions = modules.filter((m) => Object.values(m.exports).some(isQuery));
    expect(questions.map((m) => m.file).sort()).toEqual([
      'camel-hops.ts',
      'failed-exchanges.ts',
      'list-traces.ts',
      'route-metrics.ts',
      'route-topology.ts',
      'search-logs.ts',
      'trace-detail.ts',
    ]);
    for (const { file, source } of modules) {
      expect(source, file).not.toMatch(/store\.query|\.query\(/);
      if (questions.some((q) => q.file === file))
        expect(source, file).toContain('tenantQuery(store, tenantId)');
    }
  });

  it('binds the caller’s tenant in every query, and no filter value ever becomes SQL text', async () => {
    const modules = await queryModules();
    let calls = 0;
    for (const { file, exports } of modules) {
      for (const [name, fn] of Object.entries(exports)) {
        if (!isQuery(fn)) continue;
        for (const filters of [
          everyFilter,
          { from: everyFilter.from, to: everyFilter.to, limit: 5, traceId: 'x' },
        ]) {
          const sent: Sent[] = [];
          await fn(recordingStore(sent), 'ten_caller', filters);
          expect(sent.length, `${file} ${name}`).toBeGreaterThan(0);
          for (const { sql, params } of sent) {
            calls += 1;
            expect(params.tenant, `${file} ${name}`).toBe('ten_caller');
            const reads = sql.match(/\b(FROM|JOIN)\s+[a-z_]/gi)?.length ?? 0;
            expect(sql.split(tenantCondition).length - 1, `${file} ${name}: ${sql}`).toBeGreaterThanOrEqual(
              reads,
            );
            expect(sql).not.toContain('ten_caller');
            expect(sql).not.toContain('victim');
          }
        }
      }
    }
    expect(calls).toBeGreaterThanOrEqual(10);
  });
});

/** A question: `(store, tenantId, filters)`. */
function isQuery(
  value: unknown,
): value is (store: TelemetryStore, tenantId: string, filters: unknown) => Promise<unknown> {
  return typeof value === 'function' && value.length === 3 && value.constructor.name === 'AsyncFunction';
}
