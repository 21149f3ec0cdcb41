import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../edge/test/clickhouse.ts';
import { clickhouseTelemetryStore } from '../../../edge/test/edge-internals.ts';
import { seedTelemetry } from '../../../edge/test/telemetry-fixture.ts';
import { startCliEdge } from '../../test/cli-fixture.ts';

describe('cameleer traces, trace, topology and logs --since/--grep', () => {
  let clickhouse: TestClickHouse;
  let stack: Awaited<ReturnType<typeof startCliEdge>>;
  let ids: Awaited<ReturnType<typeof seedTelemetry>>;

  beforeAll(async () => {
    clickhouse = await startTestClickHouse();
    stack = await startCliEdge({ tenant: 'acme', loginAs: 'viewer' });
    ids = await seedTelemetry(clickhouse.client, stack.tenant.id, Date.now(), 'from-acme');
    stack.edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await clickhouse?.close();
  });

  it('lists traces as a table, filters them, and prints JSON', async () => {
    const run = await stack.cli(['traces', '--app', 'orders', '--env', 'dev']);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TRACE\s+STARTED\s+APP\s+ENV\s+ROOT\s+DURATION\s+SPANS\s+STATUS$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${ids.failed}\\s+1m ago\\s+orders\\s+dev\\s+rest-orders\\s+250ms\\s+2\\s+error \\(1\\)$`),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${ids.ok}\\s+2m ago\\s+orders\\s+dev\\s+rest-orders\\s+120ms\\s+3\\s+ok$`),
    );

    const failed = await stack.cli([
      'traces',
      '--app',
      'orders',
      '--env',
      'dev',
      '--status',
      'error',
      '--json',
    ]);
    expect(JSON.parse(failed.stdout).map((t: { traceId: string }) => t.traceId)).toEqual([ids.failed]);
    const slow = await stack.cli(['traces', '--app', 'orders', '--env', 'dev', '--min-duration', '200ms']);
    expect(slow.stdout).toContain(ids.failed);
    expect(slow.stdout).not.toContain(ids.ok);
  });

  it('refuses bad options before asking the edge', async () => {
    const run = await stack.cli(['traces', '--app', 'orders', '--env', 'dev', '--min-duration', 'fast']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/duration like 100ms/);
  });

  it('shows a trace as an indented span tree with a waterfall', async () => {
    const run = await stack.cli(['trace', ids.failed]);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Trace ${ids.failed}: 2 spans, 250ms, 1 error, started `));
    expect(lines[1]).toMatch(/^SPAN\s+KIND\s+APP\s+START\s+DURATION\s+WATERFALL$/);
    expect(lines[2]).toMatch(/^rest-orders\s+Server\s+orders\s+\+0µs\s+250ms\s+\|#{40}\|$/);
    // The failed child, indented under its root, starts 1 ms in and lasts 200 of 250 ms: 32 of 40 columns.
    expect(lines[3]).toMatch(/^ {2}kafka:orders !\s+Client\s+orders\s+\+1\.0ms\s+200ms\s+\|#{32} {8}\|$/);
    expect(lines[4]).toBe('(! marks a failed span)');

    const missing = await stack.cli(['trace', '0123456789abcdef0123456789abcdef']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^cameleer: Trace 0123456789abcdef0123456789abcdef does not exist.*\[HTTP 404\]\n$/,
    );
  });

  it('prints the route topology with calls, error rate and latency per edge', async () => {
    const run = await stack.cli(['topology', '--app', 'orders', '--env', 'dev']);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FROM\s+TO\s+CALLS\s+ERRORS\s+P50\s+P99$/);
    const rows = lines.slice(1).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['route rest-orders', 'kafka:orders', '2', '50.0%'],
      ['route rest-orders', 'sql:insert', '1', '0.0%'],
    ]);
  });

  it('searches stored logs with --since and --grep, oldest first', async () => {
    const since = await stack.cli(['logs', '--app', 'orders', '--env', 'dev', '--since', '1h']);
    expect(since.stderr).toBe('');
    const lines = since.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'INFO  order accepted from-acme',
      'ERROR Kafka send failed from-acme',
      'WARN  slow query from-acme',
    ]);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    const grep = await stack.cli(['logs', '--app', 'orders', '--env', 'dev', '--grep', 'KAFKA']);
    expect(grep.stdout).toMatch(/ERROR Kafka send failed from-acme\n$/);
    expect(grep.stdout.split('\n')).toHaveLength(2);
    const old = await stack.cli([
      'logs',
      '--app',
      'orders',
      '--env',
      'dev',
      '--since',
      '4h',
      '--level',
      'info',
      '--json',
    ]);
    expect(JSON.parse(old.stdout).map((r: { body: string }) => r.body)).toEqual([
      'old news from-acme',
      'order accepted from-acme',
      'Kafka send failed from-acme',
      'slow query from-acme',
    ]);
    const follow = await stack.cli(['logs', '--app', 'orders', '--env', 'dev', '--grep', 'x', '--follow']);
    expect(follow.code).toBe(1);
    expect(follow.stderr).toMatch(/--follow shows new lines/);
  });
});
