import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { Logger } from '../../logger.ts';
import { silentLogger } from '../../logger.ts';
import type { RowsByTable, TelemetryTable } from '../rows.ts';
import { telemetryTables } from '../rows.ts';
import { type Batch, batchBody, startBatch } from './batch.ts';
import { backoffDelay, insertBatch, insertWithRetries, type PipelineClient } from './clickhouse-insert.ts';
import { type PipelineTuningInput, parsePipelineTuning } from './options.ts';
import { openSpool, type SpoolEntry, SpoolFileCorrupt } from './spool.ts';
import { estimatedSpoolBytesPerRecord, minimumSpoolHours, spoolHours } from './spool-budget.ts';

/** What the intake hands decoded rows to; `ok: false` means "full, come back later" (HTTP 429). */
export type TelemetrySink = {
  accept(rows: RowsByTable): { ok: true } | { ok: false; retryAfterSeconds: number };
};

export type TelemetryPipelineStats = {
  /** Rows taken by `accept`. */
  accepted: number;
  /** Rows ClickHouse stored straight from memory. */
  inserted: number;
  /** Rows written to the spool. */
  spilled: number;
  /** Rows ClickHouse stored from the spool. */
  replayed: number;
  /** Rows refused by `accept` because the spool or memory budget was full. */
  rejected: number;
  /** Rows of spooled batches ClickHouse kept refusing, moved to `spool/dead/`. */
  setAside: number;
  /** Rows accepted and not yet inserted or spilled, and their JSON bytes. */
  pendingRows: number;
  pendingBytes: number;
  spoolBytes: number;
  spoolRows: number;
  spoolFiles: number;
  spoolBudgetBytes: number;
  /** Spool bytes per record measured over the batches this process spilled (undefined before the first). */
  spoolBytesPerRecord: number | undefined;
  clickhouse: 'up' | 'down';
};

export type TelemetryPipeline = TelemetrySink & {
  /** Closes open batches; resolves when everything accepted before is in ClickHouse or on the spool. */
  flush(): Promise<void>;
  /** `flush`, then waits until the spool is empty too (ClickHouse has everything). For tests and drains. */
  drain(): Promise<void>;
  /** Refuses new rows, flushes, stops replaying; what is on the spool stays for the next start. */
  close(): Promise<void>;
  stats(): TelemetryPipelineStats;
};

export type TelemetryPipelineOptions = PipelineTuningInput & {
  /** The runner's state directory; the spool lives in `<stateDir>/telemetry/spool/`. */
  stateDir: string;
  /** A client, or where to reach ClickHouse (`http://user:password@host:8123/database` works too). */
  clickhouse: PipelineClient | { url: string };
  logger?: Logger;
};

/**
 * Batches rows per table by size and age, inserts them into ClickHouse with quick retries, and when
 * ClickHouse does not answer, spills batches to a bounded on-disk spool that is replayed in order
 * once it answers again. While anything is spooled, new batches join the spool behind it, so
 * batches reach ClickHouse in the order they were made. Each batch keeps one deduplication token
 * from start to finish, so one sent twice is stored once. When the disk (or memory) budget is full,
 * `accept` refuses: the agent is told to retry, a counter counts, a line is logged.
 */
export async function createTelemetryPipeline(options: TelemetryPipelineOptions): Promise<TelemetryPipeline> {
  const tuning = parsePipelineTuning(options);
  const log = options.logger ?? silentLogger;
  const ownClient = 'url' in options.clickhouse;
  const client: PipelineClient =
    'url' in options.clickhouse
      ? createClient({
          url: options.clickhouse.url,
          compression: { request: false, response: false },
          // The client would print every refused probe of an outage; the pipeline logs the outage once.
          log: { level: ClickHouseLogLevel.OFF },
        })
      : options.clickhouse;
  const spool = await openSpool(join(options.stateDir, 'telemetry', 'spool'));

  const counters = { accepted: 0, inserted: 0, spilled: 0, replayed: 0, rejected: 0, setAside: 0 };
  let spilledFileBytes = 0;
  const open = new Map<TelemetryTable, Batch>();
  const sealed: Batch[] = [];
  let pendingRows = 0;
  let pendingBytes = 0;
  let clickhouseUp = true;
  let closed = false;
  let lastRejectLog = 0;
  let rejectedSinceLog = 0;
  const stopping = new AbortController();
  const pause = (ms: number) => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  const knownBytesPerRecord = spool.rows > 0 ? spool.bytes / spool.rows : estimatedSpoolBytesPerRecord;
  const hours = spoolHours(tuning.spoolBytes, tuning.ratePerSecond, knownBytesPerRecord);
  const budget = {
    spoolBytes: tuning.spoolBytes,
    ratePerSecond: tuning.ratePerSecond,
    bytesPerRecord: Math.round(knownBytesPerRecord),
    hours: Math.round(hours * 10) / 10,
  };
  if (hours < minimumSpoolHours) {
    log.warn(
      `TELEMETRY SPOOL TOO SMALL: it holds only ${budget.hours} h of telemetry at ${tuning.ratePerSecond} records/s; a ClickHouse outage longer than that loses data to 429s. Raise CAMELEER_TELEMETRY_SPOOL_BYTES.`,
      budget,
    );
  } else {
    log.info(`telemetry spool holds ${budget.hours} h at ${tuning.ratePerSecond} records/s`, budget);
  }
  if (spool.entries.length > 0) {
    log.info('telemetry spool has batches from before; replaying them', {
      files: spool.entries.length,
      rows: spool.rows,
    });
  }

  const seal = (table: TelemetryTable) => {
    const batch = open.get(table);
    if (!batch) return;
    open.delete(table);
    sealed.push(batch);
    void pump();
  };

  // Ages out batches that do not fill up.
  const ageTimer = setInterval(
    () => {
      const now = Date.now();
      for (const [table, batch] of open) if (now - batch.startedAt >= tuning.flushIntervalMs) seal(table);
    },
    Math.max(10, Math.floor(tuning.flushIntervalMs / 4)),
  );
  ageTimer.unref();

  const refuse = (rows: number) => {
    counters.rejected += rows;
    rejectedSinceLog += rows;
    const now = Date.now();
    if (now - lastRejectLog >= tuning.rejectLogIntervalMs) {
      log.warn('telemetry refused (429): spool or memory budget full', {
        rejectedRows: rejectedSinceLog,
        rejectedTotal: counters.rejected,
        spoolBytes: spool.bytes,
        spoolBudgetBytes: tuning.spoolBytes,
        pendingBytes,
        clickhouse: clickhouseUp ? 'up' : 'down',
      });
      lastRejectLog = now;
      rejectedSinceLog = 0;
    }
    // Down: come back after a probe or two. Up but full: the replayer is draining; soon.
    return {
      ok: false as const,
      retryAfterSeconds: clickhouseUp ? 1 : Math.ceil(tuning.probeCapMs / 1000) + 1,
    };
  };

  const accept: TelemetrySink['accept'] = (rowsByTable) => {
    const lines: [TelemetryTable, string[]][] = [];
    let rows = 0;
    let bytes = 0;
    for (const table of telemetryTables) {
      const tableRows = rowsByTable[table];
      if (!tableRows || tableRows.length === 0) continue;
      const tableLines = tableRows.map((row) => `${JSON.stringify(row)}\n`);
      for (const line of tableLines) bytes += line.length;
      rows += tableRows.length;
      lines.push([table, tableLines]);
    }
    if (rows === 0) return { ok: true };
    // Memory is counted as if it all had to be spooled (gzip only makes it smaller), so what is
    // accepted always fits on disk: the spool never has to drop an accepted batch.
    if (
      closed ||
      pendingBytes + bytes > tuning.memoryBytes ||
      spool.bytes + pendingBytes + bytes > tuning.spoolBytes
    ) {
      return refuse(rows);
    }
    counters.accepted += rows;
    pendingRows += rows;
    pendingBytes += bytes;
    for (const [table, tableLines] of lines) {
      for (const line of tableLines) {
        let batch = open.get(table);
        if (!batch) {
          batch = startBatch(table);
          open.set(table, batch);
        }
        batch.chunks.push(line);
        batch.rows++;
        batch.bytes += line.length;
        if (batch.rows >= tuning.batchRows || batch.bytes >= tuning.batchBytes) seal(table);
      }
    }
    return { ok: true };
  };

  const markDown = (error: unknown) => {
    if (!clickhouseUp) return;
    clickhouseUp = false;
    const hoursLeft = spoolHours(tuning.spoolBytes - spool.bytes, tuning.ratePerSecond, bytesPerRecord());
    log.warn('ClickHouse unreachable: telemetry goes to the spool until it answers', {
      error: (error as Error).message,
      spoolBytes: spool.bytes,
      hoursLeftAtConfiguredRate: Math.round(hoursLeft * 10) / 10,
    });
  };
  const bytesPerRecord = () =>
    counters.spilled > 0 ? spilledFileBytes / counters.spilled : knownBytesPerRecord;

  const spill = async (batch: Batch) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const entry = await spool.append(batch, batchBody(batch));
        counters.spilled += batch.rows;
        spilledFileBytes += entry.bytes;
        return;
      } catch (error) {
        // A disk error: keep the batch in memory (the memory budget makes intake refuse meanwhile).
        log.error('telemetry spool write failed; retrying', { error: (error as Error).message, attempt });
        await sleep(backoffDelay(attempt, tuning.probeBaseMs, tuning.probeCapMs));
      }
    }
  };

  // One batch at a time, oldest first: straight into ClickHouse, or to the spool behind what is there.
  let pumping: Promise<void> | undefined;
  const pump = (): Promise<void> => {
    pumping ??= (async () => {
      try {
        for (let batch = sealed[0]; batch; batch = sealed[0]) {
          let stored = false;
          if (clickhouseUp && spool.entries.length === 0) {
            try {
              await insertWithRetries(client, batch, {
                attempts: tuning.insertAttempts,
                baseMs: tuning.retryBaseMs,
                capMs: tuning.retryCapMs,
                sleep: (ms) => sleep(ms),
              });
              counters.inserted += batch.rows;
              stored = true;
            } catch (error) {
              markDown(error);
            }
          }
          if (!stored) {
            await spill(batch);
            replay();
          }
          sealed.shift();
          pendingRows -= batch.rows;
          pendingBytes -= batch.bytes;
        }
      } finally {
        pumping = undefined;
      }
    })();
    return pumping;
  };

  const replayFailures = new Map<SpoolEntry, number>();
  let replaying: Promise<void> | undefined;
  const replay = (): Promise<void> => {
    replaying ??= (async () => {
      try {
        let probe = 0;
        while (!stopping.signal.aborted) {
          const entry = spool.entries[0];
          if (!entry) return;
          if (!clickhouseUp) {
            await pause(backoffDelay(probe++, tuning.probeBaseMs, tuning.probeCapMs) + tuning.probeBaseMs);
            if (stopping.signal.aborted) return;
            const ping = await client.ping().catch((error: unknown) => ({ success: false, error }));
            if (!ping.success) continue;
            clickhouseUp = true;
            probe = 0;
            log.info('ClickHouse answers again: replaying the telemetry spool', {
              files: spool.entries.length,
              rows: spool.rows,
            });
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
      } finally {
        replaying = undefined;
      }
    })();
    return replaying;
  };

  const replayOne = async (entry: SpoolEntry) => {
    let batch: Batch;
    try {
      batch = await spool.read(entry);
    } catch (error) {
      if (!(error instanceof SpoolFileCorrupt)) throw error;
      log.error('telemetry spool file unreadable; set aside', { file: entry.file, error: error.message });
      counters.setAside += entry.rows;
      await spool.setAside(entry);
      return;
    }
    try {
      await insertBatch(client, batch);
    } catch (error) {
      const ping = await client.ping().catch(() => ({ success: false }));
      if (!ping.success) return markDown(error);
      // ClickHouse answers but refuses this batch: a few more tries, then out of the way of the rest.
      const failures = (replayFailures.get(entry) ?? 0) + 1;
      replayFailures.set(entry, failures);
      if (failures < tuning.replayAttempts) {
        await pause(backoffDelay(failures, tuning.retryBaseMs, tuning.retryCapMs));
        return;
      }
      log.error('ClickHouse keeps refusing a spooled telemetry batch; set aside in spool/dead', {
        file: entry.file,
        rows: entry.rows,
        error: (error as Error).message,
      });
      replayFailures.delete(entry);
      counters.setAside += entry.rows;
      await spool.setAside(entry);
      return;
    }
    // Deleted only now: a crash before this line replays a batch ClickHouse deduplicates.
    await spool.remove(entry);
    replayFailures.delete(entry);
    counters.replayed += entry.rows;
  };

  const flush = async () => {
    for (const table of [...open.keys()]) seal(table);
    while (pumping) await pumping;
  };

  if (spool.entries.length > 0) void replay();

  return {
    accept,
    flush,
    async drain() {
      await flush();
      while (spool.entries.length > 0 || pumping || replaying) {
        await (replaying ?? pumping ?? sleep(10));
        if (spool.entries.length > 0 && !replaying) void replay();
      }
    },
    async close() {
      closed = true;
      clearInterval(ageTimer);
      await flush();
      stopping.abort();
      while (replaying) await replaying;
      if (ownClient) await client.close();
    },
    stats: () => ({
      ...counters,
      pendingRows,
      pendingBytes,
      spoolBytes: spool.bytes,
      spoolRows: spool.rows,
      spoolFiles: spool.entries.length,
      spoolBudgetBytes: tuning.spoolBytes,
      spoolBytesPerRecord: counters.spilled > 0 ? spilledFileBytes / counters.spilled : undefined,
      clickhouse: clickhouseUp ? 'up' : 'down',
    }),
  };
}
