import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../../edge/test/clickhouse.ts';
import type { SpanRow } from '../rows.ts';
import { insertBatch } from './clickhouse-insert.ts';
import { createTelemetryPipeline } from './pipeline.ts';
import { openSpool } from './spool.ts';
import { startPipelineChild } from './testing/child-process.ts';
import { sampleScope, sampleSpans } from './testing/sample-spans.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function clickhouse(): Promise<TestClickHouse> {
  const ch = await startTestClickHouse();
  cleanups.push(() => ch.close());
  return ch;
}

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-faults-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const tenant = () => `ten_${randomUUID().replaceAll('-', '').slice(0, 26)}`;

/** What ClickHouse holds of a tenant: spans, distinct span ids, and the route-edge view's totals. */
async function stored(ch: TestClickHouse, tenantId: string) {
  const query = async (sql: string) => {
    const result = await ch.client.query({ query: sql, query_params: { tenantId }, format: 'JSONEachRow' });
    const [row] = await result.json<Record<string, string | number>>();
    return row ?? {};
  };
  const spans = await query(
    'SELECT count() AS spans, uniqExact(SpanId) AS ids, countIf(StatusCode = {e:String}) AS errors FROM otel_traces WHERE TenantId = {tenantId:String}'.replace(
      '{e:String}',
      "'Error'",
    ),
  );
  const edges = await query(
    'SELECT countMerge(Calls) AS calls, countIfMerge(Failures) AS failures FROM route_edges_1m WHERE TenantId = {tenantId:String}',
  );
  return {
    spans: Number(spans.spans),
    ids: Number(spans.ids),
    errors: Number(spans.errors),
    calls: Number(edges.calls),
    failures: Number(edges.failures),
  };
}

describe('telemetry pipeline faults (chDB)', () => {
  it('ClickHouse stops for 30 s while 100,000 spans flow: exactly 100,000 are stored, route edges agree', async () => {
    const ch = await clickhouse();
    const pipeline = await createTelemetryPipeline({
      stateDir: await stateDir(),
      clickhouse: { url: ch.url },
      probeCapMs: 1_000,
    });
    cleanups.push(() => pipeline.close());
    const scope = { ...sampleScope, tenantId: tenant() };
    const total = 100_000;
    const perCall = 100;
    const feedMs = 33_000;
    const started = Date.now();
    let errors = 0;
    let refused = 0;

    const outage = (async () => {
      await sleep(1_500);
      await ch.stop();
      await sleep(30_000);
      await ch.start();
    })();
    // Agents send about 3,000 spans/s, in requests of 100, over the outage; a refusal is retried like an agent would.
    for (let sent = 0; sent < total; ) {
      const spans: SpanRow[] = sampleSpans(perCall, { scope });
      for (;;) {
        const answer = pipeline.accept({ otel_traces: spans });
        if (answer.ok) break;
        refused++;
        await sleep(answer.retryAfterSeconds * 1_000);
      }
      errors += spans.filter((s) => s.StatusCode === 'Error').length;
      sent += perCall;
      const due = started + (feedMs * sent) / total;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    await outage;
    await pipeline.drain();

    const stats = pipeline.stats();
    expect(stats.spilled).toBeGreaterThan(20_000); // the outage really sent batches to disk
    expect(stats).toMatchObject({ accepted: total, rejected: 0, spoolFiles: 0, replayed: stats.spilled });
    expect(stats.inserted + stats.replayed).toBe(total);
    expect(refused).toBe(0);
    expect(await stored(ch, scope.tenantId)).toEqual({
      spans: total,
      ids: total,
      errors,
      calls: total,
      failures: errors,
    });
  }, 90_000);

  it('SIGKILL with spilled batches, and again in the middle of replay: all delivered, none twice', async () => {
    const ch = await clickhouse();
    const dir = await stateDir();
    const tenantId = tenant();
    const total = 20_000;
    await ch.stop();

    const spiller = startPipelineChild({
      PIPELINE_MODE: 'spill',
      PIPELINE_STATE_DIR: dir,
      PIPELINE_CLICKHOUSE_URL: ch.url,
      PIPELINE_SPANS: String(total),
      PIPELINE_TENANT: tenantId,
      PIPELINE_BATCH_ROWS: '500',
    });
    cleanups.push(() => spiller.kill());
    const spilled = await spiller.waitFor((l) => l.event === 'spilled');
    expect(spilled).toMatchObject({ spilled: total, spoolFiles: 40, inserted: 0 });
    await spiller.kill();
    expect(spiller.child.signalCode).toBe('SIGKILL');
    expect((await readdir(join(dir, 'telemetry', 'spool'))).filter((n) => n.endsWith('.gz'))).toHaveLength(
      40,
    );

    await ch.start();
    // A crash between an insert and the deletion of its file: the oldest batch is already stored.
    const spool = await openSpool(join(dir, 'telemetry', 'spool'));
    const [oldest] = spool.entries;
    if (!oldest) throw new Error('empty spool');
    await insertBatch(ch.client, await spool.read(oldest));
    expect((await stored(ch, tenantId)).spans).toBe(500);

    const replayer = startPipelineChild({
      PIPELINE_MODE: 'replay',
      PIPELINE_STATE_DIR: dir,
      PIPELINE_CLICKHOUSE_URL: ch.url,
    });
    cleanups.push(() => replayer.kill());
    await replayer.waitFor((l) => l.event === 'stats' && Number(l.replayed) >= 1_000);
    await replayer.kill();
    expect(replayer.child.signalCode).toBe('SIGKILL');
    const midway = await stored(ch, tenantId);
    expect(midway.spans).toBeGreaterThan(500);
    expect(midway.spans).toBeLessThan(total); // killed in the middle, not after
    expect(midway.ids).toBe(midway.spans);

    const pipeline = await createTelemetryPipeline({ stateDir: dir, clickhouse: ch.client });
    cleanups.push(() => pipeline.close());
    await pipeline.drain();
    expect(pipeline.stats()).toMatchObject({ spoolFiles: 0, setAside: 0 });
    const after = await stored(ch, tenantId);
    expect(after).toMatchObject({ spans: total, ids: total, calls: total });
    expect(after.failures).toBe(after.errors);
  }, 60_000);
});
