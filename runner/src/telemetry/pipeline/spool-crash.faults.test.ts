import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPipelineChild } from '../../../test/telemetry/child-process.ts';
import { faultFixtures } from '../../../test/telemetry/fault-fixtures.ts';
import { storedSpans, testTenant } from '../../../test/telemetry/stored-spans.ts';
import { insertBatch } from './clickhouse-insert.ts';
import { createTelemetryPipeline } from './pipeline.ts';
import { openSpool } from './spool.ts';

const { clickhouse, stateDir, cleanup } = faultFixtures();

describe('runner killed with a spilled spool (chDB)', () => {
  it('SIGKILL with spilled batches, and again in the middle of replay: all delivered, none twice', async () => {
    const ch = await clickhouse();
    const dir = await stateDir();
    const tenantId = testTenant();
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
    cleanup(() => spiller.kill());
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
    expect((await storedSpans(ch, tenantId)).spans).toBe(500);

    const replayer = startPipelineChild({
      PIPELINE_MODE: 'replay',
      PIPELINE_STATE_DIR: dir,
      PIPELINE_CLICKHOUSE_URL: ch.url,
    });
    cleanup(() => replayer.kill());
    await replayer.waitFor((l) => l.event === 'stats' && Number(l.replayed) >= 1_000);
    await replayer.kill();
    expect(replayer.child.signalCode).toBe('SIGKILL');
    const midway = await storedSpans(ch, tenantId);
    expect(midway.spans).toBeGreaterThan(500);
    expect(midway.spans).toBeLessThan(total); // killed in the middle, not after
    expect(midway.ids).toBe(midway.spans);

    const pipeline = await createTelemetryPipeline({ stateDir: dir, clickhouse: ch.client });
    cleanup(() => pipeline.close());
    await pipeline.drain();
    expect(pipeline.stats()).toMatchObject({ spoolFiles: 0, setAside: 0 });
    const after = await storedSpans(ch, tenantId);
    expect(after).toMatchObject({ spans: total, ids: total });
    expect(after.failures).toBe(after.errors);
  }, 60_000);
});
