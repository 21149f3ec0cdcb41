import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { Logger } from '../../logger.ts';
import { silentLogger } from '../../logger.ts';
import type { RowsByTable, TelemetryTable } from '../rows.ts';
import { telemetryTables } from '../rows.ts';
import { type Batch, batchBody, startBatch } from './batch.ts';
import { backoffDelay, insertWithRetries, type PipelineClient } from './clickhouse-insert.ts';
import { type PipelineTuningInput, parsePipelineTuning } from './options.ts';
import { type RowLines, rowLines, sameColumns } from './row-lines.ts';
import { openSpool } from './spool.ts';
import { estimatedSpoolBytesPerRecord, logSpoolBudget, spoolHours } from './spool-budget.ts';
import { createSpoolReplayer } from './spool-replayer.ts';

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
  /** ClickHouse's reason for the last batch set aside. */
  setAsideReason: string | undefined;
  /** Rows on the spool when the pipeline opened, left by an earlier run: replayed or set aside with this run's. */
  carriedOver: number;
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
  const carriedOver = spool.rows;
  let setAsideReason: string | undefined;

  const counters = { accepted: 0, inserted: 0, spilled: 0, replayed: 0, rejected: 0, setAside: 0 };
  let spilledFileBytes = 0;
  const open = new Map<TelemetryTable, Batch>();
  const sealed: Batch[] = [];
  let pendingRows = 0;
  let pendingBytes = 0;
  let closed = false;
  let lastRejectLog = 0;
  let rejectedSinceLog = 0;
  const stopping = new AbortController();

  const knownBytesPerRecord = spool.rows > 0 ? spool.bytes / spool.rows : estimatedSpoolBytesPerRecord;
  logSpoolBudget(log, tuning, knownBytesPerRecord);
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
        clickhouse: clickhouse.up ? 'up' : 'down',
      });
      lastRejectLog = now;
      rejectedSinceLog = 0;
    }
    // Down: come back after a probe or two. Up but full: the replayer is draining; soon.
    return {
      ok: false as const,
      retryAfterSeconds: clickhouse.up ? 1 : Math.ceil(tuning.probeCapMs / 1000) + 1,
    };
  };

  const accept: TelemetrySink['accept'] = (rowsByTable) => {
    const lines: [TelemetryTable, RowLines][] = [];
    let rows = 0;
    let bytes = 0;
    for (const table of telemetryTables) {
      const tableRows = rowsByTable[table];
      if (!tableRows || tableRows.length === 0) continue;
      const tableLines = rowLines(tableRows);
      bytes += tableLines.bytes;
      rows += tableRows.length;
      lines.push([table, tableLines]);
    }
    if (rows === 0) return { ok: true };
    // Memory is counted as if it all had to be spooled (gzip only makes it smaller), so what is
    // accepted always fits on disk: the spool never has to drop an accepted batch.
    if (closed) return { ok: false, retryAfterSeconds: 1 }; // shutting down; the next runner takes it
    if (pendingBytes + bytes > tuning.memoryBytes || spool.bytes + pendingBytes + bytes > tuning.spoolBytes) {
      return refuse(rows);
    }
    counters.accepted += rows;
    pendingRows += rows;
    pendingBytes += bytes;
    for (const [table, { columns, lines: tableLines }] of lines) {
      if (!sameColumns(open.get(table)?.columns, columns)) seal(table);
      for (const line of tableLines) {
        let batch = open.get(table);
        if (!batch) {
          batch = startBatch(table, columns);
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

  const clickhouse = {
    up: true,
    down(error: unknown) {
      if (!clickhouse.up) return;
      clickhouse.up = false;
      const hoursLeft = spoolHours(tuning.spoolBytes - spool.bytes, tuning.ratePerSecond, bytesPerRecord());
      log.warn('ClickHouse unreachable: telemetry goes to the spool until it answers', {
        error: (error as Error).message,
        spoolBytes: spool.bytes,
        hoursLeftAtConfiguredRate: Math.round(hoursLeft * 10) / 10,
      });
    },
    back() {
      clickhouse.up = true;
      log.info('ClickHouse answers again: replaying the telemetry spool', {
        files: spool.entries.length,
        rows: spool.rows,
      });
    },
  };
  const replayer = createSpoolReplayer({
    spool,
    client,
    tuning,
    log,
    clickhouse,
    count: (counter, rows) => {
      counters[counter] += rows;
    },
    setAsideBecause: (reason) => {
      setAsideReason = reason;
    },
    signal: stopping.signal,
  });
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
          if (clickhouse.up && spool.entries.length === 0) {
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
              clickhouse.down(error);
            }
          }
          if (!stored) {
            await spill(batch);
            replayer.start();
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

  const flush = async () => {
    for (const table of [...open.keys()]) seal(table);
    while (pumping) await pumping;
  };

  if (spool.entries.length > 0) replayer.start();

  return {
    accept,
    flush,
    async drain() {
      await flush();
      while (spool.entries.length > 0 || pumping || replayer.running) {
        await (replayer.running ?? pumping ?? sleep(10));
        if (spool.entries.length > 0) replayer.start();
      }
    },
    async close() {
      closed = true;
      clearInterval(ageTimer);
      await flush();
      stopping.abort();
      while (replayer.running) await replayer.running;
      if (ownClient) await client.close();
    },
    stats: () => ({
      ...counters,
      setAsideReason,
      carriedOver,
      pendingRows,
      pendingBytes,
      spoolBytes: spool.bytes,
      spoolRows: spool.rows,
      spoolFiles: spool.entries.length,
      spoolBudgetBytes: tuning.spoolBytes,
      spoolBytesPerRecord: counters.spilled > 0 ? spilledFileBytes / counters.spilled : undefined,
      clickhouse: clickhouse.up ? 'up' : 'down',
    }),
  };
}
