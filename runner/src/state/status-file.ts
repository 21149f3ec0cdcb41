import { readFileSync } from 'node:fs';
import type { Transport } from '@cameleer/shared';
import { z } from 'zod';
import { stateFiles, writeFileAtomic } from './state-dir.ts';

/** The runner's telemetry as `cameleer-runner status` shows it: counts since the runner started. */
export const TelemetryStatus = z.object({
  intakeUrl: z.string(),
  clickhouse: z.enum(['up', 'down']),
  /** Where the runner writes, password masked (the embedded chDB of `npm start` is named by no env). */
  clickhouseUrl: z.string().optional(),
  /** Records taken from apps (OTLP and captured output). */
  accepted: z.number(),
  /** Records ClickHouse stored, straight or from the spool. */
  stored: z.number(),
  /** Records taken and in memory, not yet stored or spooled (a batch fills for up to a second). */
  pending: z.number().optional(),
  /** Records refused with 429 because the spool's budget was full. */
  refused: z.number(),
  /** Records ClickHouse refused again and again, moved to the spool's `dead/` folder; and its reason. */
  setAside: z.number().optional(),
  setAsideReason: z.string().optional(),
  /** Records on the spool when the runner started, from an earlier run: stored or set aside in this one. */
  carriedOver: z.number().optional(),
  /** OTLP requests refused as malformed or unauthorized. */
  malformedRequests: z.number(),
  unauthorizedRequests: z.number(),
  spool: z.object({ rows: z.number(), bytes: z.number(), budgetBytes: z.number() }),
  /**
   * Camel route resolution: spans waiting for an ancestor, hops made, spans flushed after the TTL
   * without their ancestor (orphaned), hops dropped while the pipeline refused them.
   */
  camelHops: z
    .object({ pending: z.number(), hops: z.number(), orphaned: z.number(), dropped: z.number() })
    .optional(),
});
export type TelemetryStatus = z.infer<typeof TelemetryStatus>;

/** What the running process says about itself, for `cameleer-runner status`. */
export const RunnerStatus = z.object({
  pid: z.number().int(),
  running: z.boolean(),
  connected: z.boolean(),
  transport: z.enum(['websocket', 'long-poll']).nullable(),
  edgeUrl: z.string(),
  startedAt: z.string(),
  /** Since when the runner has been in its current connected/disconnected state. */
  since: z.string(),
  lastHeartbeatAt: z.string().nullable(),
  lastError: z.string().nullable(),
  telemetry: TelemetryStatus.optional(),
  updatedAt: z.string(),
});
export type RunnerStatus = z.infer<typeof RunnerStatus> & { transport: Transport | null };

export function writeStatus(stateDir: string, status: RunnerStatus): void {
  writeFileAtomic(stateFiles(stateDir).status, `${JSON.stringify(status, null, 2)}\n`);
}

export function readStatus(stateDir: string): RunnerStatus | undefined {
  try {
    const parsed = RunnerStatus.safeParse(JSON.parse(readFileSync(stateFiles(stateDir).status, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the status file still runs. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
