import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClickHouse } from '../../../test/telemetry/fake-clickhouse.ts';
import { sampleSpans } from '../../../test/telemetry/sample-spans.ts';
import { createTelemetryPipeline, type TelemetryPipeline } from './pipeline.ts';

const quick = { retryBaseMs: 1, retryCapMs: 5, probeBaseMs: 5, probeCapMs: 20 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function pipelineOn(
  dir: string,
  clickhouse: ReturnType<typeof fakeClickHouse>,
  tuning: Parameters<typeof createTelemetryPipeline>[0] extends infer O ? Partial<O> : never = {},
): Promise<TelemetryPipeline> {
  const pipeline = await createTelemetryPipeline({ stateDir: dir, clickhouse, ...quick, ...tuning });
  cleanups.push(() => pipeline.close());
  return pipeline;
}

const spoolFiles = async (dir: string) =>
  (await readdir(join(dir, 'telemetry', 'spool'))).filter((n) => n.endsWith('.jsonl.gz'));

describe('telemetry pipeline', () => {
  it('batches by rows, each batch under its own token', async () => {
    const clickhouse = fakeClickHouse();
    const pipeline = await pipelineOn(await stateDir(), clickhouse, { batchRows: 1_000 });
    const spans = sampleSpans(2_500);
    expect(pipeline.accept({ otel_traces: spans.slice(0, 1_200) })).toEqual({ ok: true });
    expect(pipeline.accept({ otel_traces: spans.slice(1_200) })).toEqual({ ok: true });
    await pipeline.flush();
    expect(clickhouse.stored).toHaveLength(3);
    expect(new Set(clickhouse.stored).size).toBe(3);
    expect(clickhouse.rows('otel_traces').map((r) => r.SpanId)).toEqual(spans.map((s) => s.SpanId));
    expect(pipeline.stats()).toMatchObject({ accepted: 2_500, inserted: 2_500, spilled: 0, pendingRows: 0 });
  });

  it('sends a batch that does not fill up once it is flushIntervalMs old', async () => {
    const clickhouse = fakeClickHouse();
    const pipeline = await pipelineOn(await stateDir(), clickhouse, { flushIntervalMs: 50 });
    pipeline.accept({ otel_traces: sampleSpans(3) });
    expect(clickhouse.stored).toHaveLength(0);
    await expect.poll(() => clickhouse.rows('otel_traces').length, { timeout: 2_000 }).toBe(3);
  });

  it('batches by bytes', async () => {
    const clickhouse = fakeClickHouse();
    const pipeline = await pipelineOn(await stateDir(), clickhouse, { batchBytes: 10_000 });
    pipeline.accept({ otel_traces: sampleSpans(40) });
    await pipeline.flush();
    expect(clickhouse.stored.length).toBeGreaterThanOrEqual(4);
    expect(clickhouse.rows('otel_traces')).toHaveLength(40);
  });

  it('spills while ClickHouse is down and replays in order with the same tokens when it is back', async () => {
    const clickhouse = fakeClickHouse();
    const dir = await stateDir();
    const pipeline = await pipelineOn(dir, clickhouse, { batchRows: 100 });
    clickhouse.down = true;
    const spans = sampleSpans(1_000);
    for (let i = 0; i < 1_000; i += 250) pipeline.accept({ otel_traces: spans.slice(i, i + 250) });
    await pipeline.flush();
    expect(pipeline.stats()).toMatchObject({ spilled: 1_000, spoolFiles: 10, clickhouse: 'down' });
    expect(await spoolFiles(dir)).toHaveLength(10);
    const triedFirst = clickhouse.attempts[0];

    clickhouse.down = false;
    await pipeline.drain();
    expect(clickhouse.rows('otel_traces').map((r) => r.SpanId)).toEqual(spans.map((s) => s.SpanId));
    expect(clickhouse.stored[0]).toBe(triedFirst);
    expect(pipeline.stats()).toMatchObject({
      replayed: 1_000,
      spoolFiles: 0,
      spoolBytes: 0,
      clickhouse: 'up',
    });
    expect(await spoolFiles(dir)).toHaveLength(0);
  });

  it('queues new batches behind the spool while it drains, so order holds', async () => {
    const clickhouse = fakeClickHouse();
    const pipeline = await pipelineOn(await stateDir(), clickhouse, {
      batchRows: 10,
      probeBaseMs: 200,
      probeCapMs: 200,
    });
    clickhouse.down = true;
    const spans = sampleSpans(200);
    pipeline.accept({ otel_traces: spans.slice(0, 100) });
    await pipeline.flush();
    clickhouse.down = false; // up, but the replayer has not noticed yet
    pipeline.accept({ otel_traces: spans.slice(100) });
    await pipeline.flush();
    expect(pipeline.stats().inserted).toBe(0);
    await pipeline.drain();
    expect(clickhouse.rows('otel_traces').map((r) => r.SpanId)).toEqual(spans.map((s) => s.SpanId));
  });

  it('a restarted pipeline replays what the last one left on disk', async () => {
    const clickhouse = fakeClickHouse();
    const dir = await stateDir();
    clickhouse.down = true;
    const first = await createTelemetryPipeline({ stateDir: dir, clickhouse, ...quick, batchRows: 50 });
    const spans = sampleSpans(300);
    first.accept({ otel_traces: spans });
    await first.close();
    expect(await spoolFiles(dir)).toHaveLength(6);
    expect(first.accept({ otel_traces: sampleSpans(1) }).ok).toBe(false);

    clickhouse.down = false;
    const second = await pipelineOn(dir, clickhouse);
    await second.drain();
    expect(clickhouse.rows('otel_traces').map((r) => r.SpanId)).toEqual(spans.map((s) => s.SpanId));
    expect(second.stats()).toMatchObject({ accepted: 0, replayed: 300, spoolFiles: 0 });
  });

  it('refuses with retryAfterSeconds when the spool budget is full, and loses nothing it accepted', async () => {
    const clickhouse = fakeClickHouse();
    const warnings: string[] = [];
    const logger = { info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const pipeline = await pipelineOn(await stateDir(), clickhouse, {
      batchRows: 20,
      spoolBytes: 200_000,
      logger,
    });
    clickhouse.down = true;
    const accepted: string[] = [];
    let refusals = 0;
    for (let i = 0; i < 100; i++) {
      const spans = sampleSpans(20);
      const answer = pipeline.accept({ otel_traces: spans });
      if (answer.ok) accepted.push(...spans.map((s) => s.SpanId));
      else {
        refusals++;
        expect(answer.retryAfterSeconds).toBeGreaterThan(0);
      }
      await pipeline.flush();
    }
    expect(refusals).toBeGreaterThan(0);
    expect(pipeline.stats().rejected).toBe(refusals * 20);
    expect(pipeline.stats().spoolBytes).toBeLessThanOrEqual(200_000);
    expect(warnings.filter((w) => w.includes('refused (429)'))).toHaveLength(1);

    clickhouse.down = false;
    await pipeline.drain();
    expect(clickhouse.rows('otel_traces').map((r) => r.SpanId)).toEqual(accepted);
    expect(pipeline.accept({ otel_traces: sampleSpans(20) })).toEqual({ ok: true });
  });

  it('refuses when rows wait in memory beyond the memory budget', async () => {
    const clickhouse = fakeClickHouse();
    const pipeline = await pipelineOn(await stateDir(), clickhouse, { memoryBytes: 50_000 });
    expect(pipeline.accept({ otel_traces: sampleSpans(20) }).ok).toBe(true);
    expect(pipeline.accept({ otel_traces: sampleSpans(40) }).ok).toBe(false);
    expect(pipeline.stats().rejected).toBe(40);
  });

  it('sets an unreadable spool file aside and replays the rest', async () => {
    const clickhouse = fakeClickHouse();
    const dir = await stateDir();
    clickhouse.down = true;
    const first = await createTelemetryPipeline({ stateDir: dir, clickhouse, ...quick, batchRows: 10 });
    first.accept({ otel_traces: sampleSpans(30) });
    await first.close();
    const [name] = await spoolFiles(dir);
    await writeFile(join(dir, 'telemetry', 'spool', name ?? ''), 'not gzip');

    clickhouse.down = false;
    const second = await pipelineOn(dir, clickhouse);
    await second.drain();
    expect(clickhouse.rows('otel_traces')).toHaveLength(20);
    expect(second.stats().setAside).toBe(10);
    // Nothing of it was taken by this run: the status says where the 30 came from.
    expect(second.stats()).toMatchObject({ accepted: 0, carriedOver: 30, replayed: 20 });
    expect(second.stats().setAsideReason).toMatch(/^unreadable spool file/);
    expect(await readdir(join(dir, 'telemetry', 'spool', 'dead'))).toEqual([name]);
  });

  it('replays a JSONEachRow spool file of an earlier runner as JSONEachRow, new batches as compact rows', async () => {
    const clickhouse = fakeClickHouse();
    const dir = await stateDir();
    const spans = sampleSpans(3);
    const header = JSON.stringify({ v: 1, id: 'bat_earlier', table: 'otel_traces', rows: 3 });
    const body = spans.map((s) => `${JSON.stringify(s)}\n`).join('');
    await mkdir(join(dir, 'telemetry', 'spool'), { recursive: true });
    await writeFile(
      join(dir, 'telemetry', 'spool', '0000000000000001.3.jsonl.gz'),
      gzipSync(`${header}\n${body}`),
    );
    const pipeline = await pipelineOn(dir, clickhouse);
    pipeline.accept({ otel_traces: sampleSpans(2) });
    await pipeline.drain();
    expect(clickhouse.queries).toEqual([
      'INSERT INTO otel_traces FORMAT JSONEachRow',
      expect.stringMatching(/^INSERT INTO otel_traces \(TenantId, .*\) FORMAT JSONCompactEachRow$/),
    ]);
    expect(clickhouse.rows('otel_traces').slice(0, 3)).toEqual(spans);
    expect(clickhouse.rows('otel_traces')).toHaveLength(5);
  });

  it('warns loudly at start when the budget holds less than 24 h at the configured rate', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger = { error() {}, warn: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) };
    await pipelineOn(await stateDir(), fakeClickHouse(), {
      logger,
      spoolBytes: 1024 ** 3,
      ratePerSecond: 1_000,
    });
    expect(warnings.join('\n')).toMatch(/TELEMETRY SPOOL TOO SMALL: it holds only 4\.7 h/);
    await pipelineOn(await stateDir(), fakeClickHouse(), { logger });
    expect(infos.join('\n')).toMatch(/telemetry spool holds 28 h at 1000 records\/s/);
  });
});
