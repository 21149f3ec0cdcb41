import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestClickHouse } from '../../../../edge/test/clickhouse.ts';
import { sampleScope, sampleSpans } from '../../../test/telemetry/sample-spans.ts';
import { parsePipelineTuning } from './options.ts';
import { createTelemetryPipeline } from './pipeline.ts';
import { estimatedSpoolBytesPerRecord, minimumSpoolHours, spoolHours } from './spool-budget.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-budget-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Nothing listens on port 1: every insert and ping is refused, as with a ClickHouse that is down. */
const unreachable = { url: 'http://127.0.0.1:1' };

describe('telemetry spool budget', () => {
  it('with the defaults holds at least 24 h of the configured rate, measured on spilled span batches', async () => {
    const defaults = parsePipelineTuning();
    const pipeline = await createTelemetryPipeline({ stateDir: await stateDir(), clickhouse: unreachable });
    cleanups.push(() => pipeline.close());
    // Two full default-size batches, in requests of the size an OpenTelemetry SDK sends (512 spans).
    const spans = sampleSpans(2 * defaults.batchRows);
    for (let i = 0; i < spans.length; i += 512) {
      expect(pipeline.accept({ otel_traces: spans.slice(i, i + 512) }).ok).toBe(true);
    }
    await pipeline.flush();
    const stats = pipeline.stats();
    // Full batches: by rows, or by bytes when the 16 MiB cap comes first.
    expect(stats.spilled).toBe(spans.length);
    expect(stats.spoolFiles).toBeGreaterThanOrEqual(2);
    const bytesPerRecord = stats.spoolBytesPerRecord ?? Number.POSITIVE_INFINITY;

    expect(spoolHours(defaults.spoolBytes, defaults.ratePerSecond, bytesPerRecord)).toBeGreaterThanOrEqual(
      minimumSpoolHours,
    );
    // The estimate the start-up log uses before anything is measured must not flatter the budget.
    expect(bytesPerRecord).toBeLessThanOrEqual(estimatedSpoolBytesPerRecord);
    expect(
      spoolHours(defaults.spoolBytes, defaults.ratePerSecond, estimatedSpoolBytesPerRecord),
    ).toBeGreaterThanOrEqual(minimumSpoolHours);
  });

  it('a full spool refuses with 429 semantics and a counter, and every accepted span is delivered', async () => {
    const ch = await startTestClickHouse();
    cleanups.push(() => ch.close());
    const scope = { ...sampleScope, tenantId: `ten_${randomUUID().replaceAll('-', '').slice(0, 26)}` };
    const warnings: string[] = [];
    const logger = { info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const pipeline = await createTelemetryPipeline({
      stateDir: await stateDir(),
      clickhouse: { url: ch.url },
      batchRows: 200,
      spoolBytes: 400_000,
      probeCapMs: 200,
      logger,
    });
    cleanups.push(() => pipeline.close());
    await ch.stop();

    let accepted = 0;
    let refusals = 0;
    for (let i = 0; i < 60; i++) {
      const spans = sampleSpans(200, { scope });
      const answer = pipeline.accept({ otel_traces: spans });
      if (answer.ok) accepted += spans.length;
      else {
        refusals++;
        expect(answer.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      }
      await pipeline.flush();
    }
    expect(refusals).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(0);
    const full = pipeline.stats();
    expect(full).toMatchObject({ accepted, rejected: refusals * 200, spilled: accepted, clickhouse: 'down' });
    expect(full.spoolBytes).toBeLessThanOrEqual(400_000);
    expect(warnings.filter((w) => w.includes('refused (429)'))).toHaveLength(1); // one line per 10 s

    await ch.start();
    await pipeline.drain();
    const result = await ch.client.query({
      query: 'SELECT count() AS n, uniqExact(SpanId) AS ids FROM otel_traces WHERE TenantId = {t:String}',
      query_params: { t: scope.tenantId },
      format: 'JSONEachRow',
    });
    // UInt64 comes back as a string from a ClickHouse server and as a number from chDB.
    const [stored] = await result.json<{ n: string | number; ids: string | number }>();
    expect([Number(stored?.n), Number(stored?.ids)]).toEqual([accepted, accepted]);
    expect(pipeline.accept({ otel_traces: sampleSpans(10, { scope }) })).toEqual({ ok: true });
  }, 60_000);
});
