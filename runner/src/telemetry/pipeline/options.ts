import { z } from 'zod';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * The pipeline's tuning; defaults are the product's, tests shrink them. The spool budget's default
 * is sized by measurement, not taste: realistic Camel spans take about 51 bytes each in the spool
 * (gzip'd JSON lines, see `spool-budget.test.ts`), so 24 hours of 1,000 records/s need about 4.1 GiB;
 * 6 GiB leaves room for fatter spans.
 */
export const PipelineTuning = z.object({
  /**
   * A batch is sent when it holds this many rows… Each insert makes a part per table and view, so
   * fewer, larger batches cost ClickHouse less (profile: part creation and merges).
   */
  batchRows: z.number().int().positive().default(50_000),
  /** …or this many bytes of JSON… */
  batchBytes: z
    .number()
    .int()
    .positive()
    .default(16 * MiB),
  /** …or when its first row is this old. */
  flushIntervalMs: z.number().int().positive().default(1_000),
  /** CAMELEER_TELEMETRY_SPOOL_BYTES: disk the spool may use; when full, intake answers 429. */
  spoolBytes: z
    .number()
    .int()
    .positive()
    .default(6 * GiB),
  /** Rows waiting in memory (JSON bytes) before intake answers 429: a slow ClickHouse must not exhaust the heap. */
  memoryBytes: z
    .number()
    .int()
    .positive()
    .default(256 * MiB),
  /** CAMELEER_TELEMETRY_RATE: records per second the runner is expected to take; sizes the budget warning. */
  ratePerSecond: z.number().positive().default(1_000),
  /** Quick insert attempts before a batch goes to the spool. */
  insertAttempts: z.number().int().positive().default(3),
  /** First retry delay ceiling; doubles per attempt (full jitter below it). */
  retryBaseMs: z.number().int().positive().default(100),
  retryCapMs: z.number().int().positive().default(1_000),
  /** How often a down ClickHouse is pinged: from this… */
  probeBaseMs: z.number().int().positive().default(250),
  /** …doubling up to this, so it is found back within seconds of returning. */
  probeCapMs: z.number().int().positive().default(4_000),
  /** A spooled batch ClickHouse refuses this many times while answering pings is set aside in `dead/`. */
  replayAttempts: z.number().int().positive().default(5),
  /** At most one "spool full" log line per this interval. */
  rejectLogIntervalMs: z.number().int().positive().default(10_000),
});
export type PipelineTuning = z.infer<typeof PipelineTuning>;
export type PipelineTuningInput = z.input<typeof PipelineTuning>;

const PipelineEnv = z.object({
  spoolBytes: z.coerce.number().int().positive().optional(),
  ratePerSecond: z.coerce.number().positive().optional(),
});

/** The tuning the runner's environment sets (CAMELEER_TELEMETRY_SPOOL_BYTES, CAMELEER_TELEMETRY_RATE). */
export function pipelineTuningFromEnv(env: NodeJS.ProcessEnv): PipelineTuningInput {
  const parsed = PipelineEnv.safeParse({
    spoolBytes: env.CAMELEER_TELEMETRY_SPOOL_BYTES?.trim() || undefined,
    ratePerSecond: env.CAMELEER_TELEMETRY_RATE?.trim() || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name =
      issue?.path[0] === 'spoolBytes' ? 'CAMELEER_TELEMETRY_SPOOL_BYTES' : 'CAMELEER_TELEMETRY_RATE';
    throw new Error(`invalid telemetry configuration: ${name}: ${issue?.message ?? 'unknown'}`);
  }
  const tuning: PipelineTuningInput = {};
  if (parsed.data.spoolBytes !== undefined) tuning.spoolBytes = parsed.data.spoolBytes;
  if (parsed.data.ratePerSecond !== undefined) tuning.ratePerSecond = parsed.data.ratePerSecond;
  return tuning;
}

export function parsePipelineTuning(input: PipelineTuningInput = {}): PipelineTuning {
  const parsed = PipelineTuning.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid telemetry pipeline tuning: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`,
    );
  }
  return parsed.data;
}
