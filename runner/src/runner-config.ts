import { z } from 'zod';

/** The runner's timings; defaults are the product's, tests shrink them. */
export const RunnerTiming = z.object({
  /** First reconnect delay ceiling; doubles per failed attempt (full jitter below it). */
  backoffBaseMs: z.number().int().positive().default(500),
  /**
   * Largest reconnect delay ceiling. Small enough that runners are back within
   * seconds of an edge restart; full jitter spreads a fleet's reconnects over it.
   */
  backoffCapMs: z.number().int().positive().default(5_000),
  /** A connection that lasted this long resets the backoff. */
  stableAfterMs: z.number().int().nonnegative().default(10_000),
  /** The edge is declared dead after 2 heartbeat intervals of silence, and never later than this. */
  maxSilenceMs: z.number().int().positive().default(60_000),
  /** A WebSocket upgrade that takes longer looks like a proxy holding it. */
  handshakeTimeoutMs: z.number().int().positive().default(10_000),
  /** Upgrade failures in a row, with /healthz fine, before falling back to long-poll. */
  fallbackAfterFailures: z.number().int().positive().default(2),
  /** How long one long-poll request waits for frames. */
  pollWaitSeconds: z.number().int().min(0).max(25).default(25),
  /** While on long-poll, how often to try the WebSocket again. */
  websocketRetryMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000),
});
export type RunnerTiming = z.infer<typeof RunnerTiming>;
export type RunnerTimingInput = z.input<typeof RunnerTiming>;

export function parseRunnerTiming(input: RunnerTimingInput = {}): RunnerTiming {
  const parsed = RunnerTiming.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid runner timing: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}`,
    );
  }
  return parsed.data;
}
