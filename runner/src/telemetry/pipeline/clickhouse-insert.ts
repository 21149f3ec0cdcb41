import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { type Batch, batchBody, batchInsertQuery } from './batch.ts';

/** What the pipeline needs of `@clickhouse/client`. */
export type PipelineClient = Pick<ClickHouseClient, 'exec' | 'ping' | 'close'>;

/**
 * Inserts a batch with its id as the deduplication token, also for the materialized views, so a
 * batch sent twice (a retry after a lost answer, a replay after a crash) is stored once.
 * `exec` rather than `insert`: the rows are already text (serialised once, at intake, to
 * size batches and to spool them), and `insert` would serialise every row a second time.
 */
export async function insertBatch(client: PipelineClient, batch: Batch): Promise<void> {
  const result = await client.exec({
    query: batchInsertQuery(batch),
    values: Readable.from([Buffer.from(batchBody(batch))], { objectMode: false }),
    clickhouse_settings: {
      insert_deduplication_token: batch.id,
      deduplicate_blocks_in_dependent_materialized_views: 1,
    },
  });
  // The answer must be read to its end, or the socket is never given back to the pool.
  for await (const _ of result.stream);
}

/** A delay ceiling doubling per attempt from `baseMs` up to `capMs`, with full jitter below it. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

/** Inserts with a few quick retries; throws the last error when all failed. */
export async function insertWithRetries(
  client: PipelineClient,
  batch: Batch,
  opts: { attempts: number; baseMs: number; capMs: number; sleep: (ms: number) => Promise<void> },
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await insertBatch(client, batch);
    } catch (error) {
      if (attempt + 1 >= opts.attempts) throw error;
      await opts.sleep(backoffDelay(attempt, opts.baseMs, opts.capMs));
    }
  }
}
