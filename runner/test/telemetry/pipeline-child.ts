/**
 * A runner stand-in for the SIGKILL fault tests: runs a telemetry pipeline in its own process and
 * prints its stats as JSON lines, so the test can kill it with SIGKILL at the moment it wants.
 *
 *   PIPELINE_MODE=spill: accepts PIPELINE_SPANS sample spans (of tenant PIPELINE_TENANT) and prints
 *     `{"event":"spilled",…}` once all are on the spool (ClickHouse is expected down), then waits.
 *   PIPELINE_MODE=replay: only starts the pipeline (which replays the spool) and prints
 *     `{"event":"stats",…}` whenever a batch was replayed, then `{"event":"drained"}`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createTelemetryPipeline } from '../../src/telemetry/pipeline/pipeline.ts';
import { sampleScope, sampleSpans } from './sample-spans.ts';

const env = process.env;
const mode = env.PIPELINE_MODE;
const pipeline = await createTelemetryPipeline({
  stateDir: env.PIPELINE_STATE_DIR ?? '',
  clickhouse: { url: env.PIPELINE_CLICKHOUSE_URL ?? '' },
  batchRows: Number(env.PIPELINE_BATCH_ROWS ?? 1_000),
  retryBaseMs: 5,
  retryCapMs: 20,
  probeBaseMs: 50,
  probeCapMs: 200,
});
const print = (event: string) => process.stdout.write(`${JSON.stringify({ event, ...pipeline.stats() })}\n`);

if (mode === 'spill') {
  const total = Number(env.PIPELINE_SPANS ?? 0);
  const scope = { ...sampleScope, tenantId: env.PIPELINE_TENANT ?? sampleScope.tenantId };
  for (let sent = 0; sent < total; sent += 500) {
    const answer = pipeline.accept({ otel_traces: sampleSpans(Math.min(500, total - sent), { scope }) });
    if (!answer.ok) throw new Error('refused');
  }
  await pipeline.flush();
  print('spilled');
  await sleep(10 * 60_000); // until killed
} else if (mode === 'replay') {
  let replayed = 0;
  while (pipeline.stats().spoolFiles > 0) {
    if (pipeline.stats().replayed !== replayed) {
      replayed = pipeline.stats().replayed;
      print('stats');
    }
    await sleep(1);
  }
  print('drained');
  await pipeline.close();
} else {
  throw new Error(`unknown PIPELINE_MODE ${mode}`);
}
