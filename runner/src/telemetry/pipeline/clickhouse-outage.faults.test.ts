import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { faultFixtures } from '../../../test/telemetry/fault-fixtures.ts';
import { sampleScope, sampleSpans } from '../../../test/telemetry/sample-spans.ts';
import { storedSpans, testTenant } from '../../../test/telemetry/stored-spans.ts';
import type { SpanRow } from '../rows.ts';
import { createTelemetryPipeline } from './pipeline.ts';

const { clickhouse, stateDir, cleanup } = faultFixtures();

describe('ClickHouse outage (chDB)', () => {
  it('ClickHouse stops for 30 s while 100,000 spans flow: exactly 100,000 are stored, the per-span error view agrees', async () => {
    const ch = await clickhouse();
    const pipeline = await createTelemetryPipeline({
      stateDir: await stateDir(),
      clickhouse: { url: ch.url },
      probeCapMs: 1_000,
    });
    cleanup(() => pipeline.close());
    const scope = { ...sampleScope, tenantId: testTenant() };
    const total = 100_000;
    const perCall = 100;
    const feedMs = 31_000;
    const started = Date.now();
    let errors = 0;
    let refused = 0;

    const outage = (async () => {
      await sleep(500);
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
    expect(await storedSpans(ch, scope.tenantId)).toEqual({
      spans: total,
      ids: total,
      errors,
      failures: errors,
    });
  }, 90_000);
});
