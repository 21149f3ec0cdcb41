import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logger.ts';
import type { Batch } from './batch.ts';
import { backoffDelay, insertBatch, type PipelineClient } from './clickhouse-insert.ts';
import type { PipelineTuning } from './options.ts';
import { type Spool, type SpoolEntry, SpoolFileCorrupt } from './spool.ts';

/** Whether ClickHouse answered last time; shared by the pipeline's inserts and the replayer's probes. */
export type ClickHouseHealth = {
  readonly up: boolean;
  down(error: unknown): void;
  back(): void;
};

export type SpoolReplayerDeps = {
  spool: Spool;
  client: PipelineClient;
  tuning: PipelineTuning;
  log: Logger;
  clickhouse: ClickHouseHealth;
  count(counter: 'replayed' | 'setAside', rows: number): void;
  /** Why the last batch was set aside, for the status: ClickHouse's own words, or the unreadable file. */
  setAsideBecause(reason: string): void;
  signal: AbortSignal;
};

export type SpoolReplayer = {
  /** Starts draining the spool unless it already is. */
  start(): void;
  /** The drain under way, if any. */
  readonly running: Promise<void> | undefined;
};

/**
 * Drains the spool oldest first: while ClickHouse is down, pings it with backoff; once it answers,
 * re-inserts each batch with the token it was made with, and deletes the file only after that
 * insert succeeded. A batch ClickHouse refuses while answering pings is retried a few times and
 * then set aside, so one bad batch cannot hold up the rest forever.
 */
export function createSpoolReplayer(deps: SpoolReplayerDeps): SpoolReplayer {
  const { spool, client, tuning, log, clickhouse, signal } = deps;
  const pause = (ms: number) => sleep(ms, undefined, { signal }).catch(() => undefined);
  const failures = new Map<SpoolEntry, number>();
  let running: Promise<void> | undefined;

  const setAside = async (entry: SpoolEntry, reason: string) => {
    failures.delete(entry);
    deps.count('setAside', entry.rows);
    deps.setAsideBecause(reason);
    await spool.setAside(entry);
  };

  const replayOne = async (entry: SpoolEntry) => {
    let batch: Batch;
    try {
      batch = await spool.read(entry);
    } catch (error) {
      if (!(error instanceof SpoolFileCorrupt)) throw error;
      log.error('telemetry spool file unreadable; set aside', { file: entry.file, error: error.message });
      return setAside(entry, `unreadable spool file: ${error.message}`);
    }
    try {
      await insertBatch(client, batch);
    } catch (error) {
      const ping = await client.ping().catch(() => ({ success: false }));
      if (!ping.success) return clickhouse.down(error);
      const failed = (failures.get(entry) ?? 0) + 1;
      failures.set(entry, failed);
      if (failed < tuning.replayAttempts)
        return pause(backoffDelay(failed, tuning.retryBaseMs, tuning.retryCapMs));
      log.error('ClickHouse keeps refusing a spooled telemetry batch; set aside in spool/dead', {
        file: entry.file,
        rows: entry.rows,
        error: (error as Error).message,
      });
      return setAside(entry, (error as Error).message);
    }
    // Deleted only now: a crash before this line replays a batch ClickHouse deduplicates.
    await spool.remove(entry);
    failures.delete(entry);
    deps.count('replayed', entry.rows);
  };

  const drain = async () => {
    let probe = 0;
    while (!signal.aborted) {
      const entry = spool.entries[0];
      if (!entry) return;
      if (!clickhouse.up) {
        await pause(tuning.probeBaseMs + backoffDelay(probe++, tuning.probeBaseMs, tuning.probeCapMs));
        if (signal.aborted) return;
        const ping = await client.ping().catch((error: unknown) => ({ success: false, error }));
        if (!ping.success) continue;
        probe = 0;
        clickhouse.back();
      }
      try {
        await replayOne(entry);
      } catch (error) {
        log.error('telemetry spool replay failed; retrying', {
          file: entry.file,
          error: (error as Error).message,
        });
        await pause(tuning.probeCapMs);
      }
    }
  };

  return {
    start() {
      running ??= drain().finally(() => {
        running = undefined;
      });
    },
    get running() {
      return running;
    },
  };
}
