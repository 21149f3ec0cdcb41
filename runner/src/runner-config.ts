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

/** Where the front listens unless CAMELEER_FRONT_PORT says otherwise. */
export const defaultFrontPort = 8880;

/** The front: one HTTP listener that routes `{app}.{env}.{tenant}.{domain}` to the app's serving instance. */
export const FrontConfig = z
  .object({
    /** CAMELEER_FRONT_PORT: `0` takes any free port, `off` runs no front (apps keep their direct URLs). */
    port: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65_535)]).default(defaultFrontPort),
    /** CAMELEER_FRONT_HOST: the interface it listens on; loopback unless apps are to be reachable from elsewhere. */
    host: z.string().min(1).default('127.0.0.1'),
    /** CAMELEER_FRONT_DOMAIN: browsers and curl resolve `*.localhost` to loopback without any DNS set-up. */
    domain: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i, 'a DNS name')
      .transform((d) => d.toLowerCase())
      .default('localhost'),
  })
  .transform((c) => (c.port === 'off' ? undefined : { ...c, port: c.port }));
export type FrontConfig = NonNullable<z.infer<typeof FrontConfig>>;

/** The runner configuration's front variables (`RunnerConfig` has them, and so has an environment). */
export type FrontVariables = {
  CAMELEER_FRONT_PORT?: string | undefined;
  CAMELEER_FRONT_HOST?: string | undefined;
  CAMELEER_FRONT_DOMAIN?: string | undefined;
};

/**
 * The front's configuration; `undefined` when it is switched off. Checked apart from the rest of the
 * runner's configuration: a wrong front costs the front, not the runner (apps keep their direct URLs).
 */
export function parseFrontConfig(env: FrontVariables): FrontConfig | undefined {
  const parsed = FrontConfig.safeParse({
    port: env.CAMELEER_FRONT_PORT?.trim().toLowerCase() || undefined,
    host: env.CAMELEER_FRONT_HOST || undefined,
    domain: env.CAMELEER_FRONT_DOMAIN || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid front configuration: ${issue ? `CAMELEER_FRONT_${String(issue.path[0] ?? '').toUpperCase()}: ${issue.message}` : 'unknown'}`,
    );
  }
  return parsed.data;
}
