import { z } from 'zod';
import { Capability, type CommandKind, InventoryItem, Transport } from './frames.ts';

/**
 * What every command kind carries and answers: the one contract between the
 * edge, which validates a payload before it stores the command, and the runner,
 * which parses the same schemas before it acts and answers a result the edge
 * parses in turn. Results are loose objects so that either side may add fields.
 */

const Id = z.string().min(1).max(64);
const Slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'must be a slug');

/** Names an app in an environment of a tenant, by slugs: what orchestrators key instances by. */
export const AppRefPayload = z.object({ tenant: Slug, environment: Slug, app: Slug });
export type AppRefPayload = z.infer<typeof AppRefPayload>;

/** Anything: the test and diagnostic kinds (`noop`, `echo`) take and answer free objects. */
export const FreePayload = z.record(z.string(), z.unknown());
export type FreePayload = z.infer<typeof FreePayload>;

export const DeployVersion = z.object({
  id: Id,
  label: z.string().min(1).max(128),
  // Names the cached file, so it must be exactly a hex digest.
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  artifactUrl: z.url({ protocol: /^https?$/ }),
});
export type DeployVersion = z.infer<typeof DeployVersion>;

/** The app's agent tokens, minted by the edge when it signs a deploy command. */
export const DeployTelemetry = z.object({
  bootstrapToken: z.string().min(1).max(4096),
  agentToken: z.string().min(1).max(4096),
  tenantId: Id,
  retentionDays: z.number().int().positive(),
});
export type DeployTelemetry = z.infer<typeof DeployTelemetry>;

/**
 * A deploy, as stored and as signed. Stored, it may carry `sealedEnv` and
 * `retentionDays`; signing opens the first into `env`, names its keys in
 * `secretKeys` and turns the second into `telemetry`, so secrets and agent
 * tokens exist only in the signed token.
 */
export const DeployPayload = z.object({
  deploymentId: Id,
  ref: AppRefPayload,
  version: DeployVersion,
  env: z.record(z.string(), z.string()),
  /** Stored only: the configuration's secrets, sealed for this runner and deployment. */
  sealedEnv: z.string().min(1).optional(),
  /**
   * Signed only: the keys of `env` whose values are the tenant's secrets, so the runner can keep them
   * apart (a Kubernetes Secret, not a ConfigMap). Edges before it send none: then every key may be one.
   */
  secretKeys: z.array(z.string().min(1)).optional(),
  resources: z.object({
    memoryMb: z.number().int().positive(),
    cpus: z.number().positive(),
    pids: z.number().int().positive(),
  }),
  writeableVolumes: z.array(z.string().startsWith('/')),
  healthCheck: z.object({
    httpPath: z.string().startsWith('/').optional(),
    timeoutSeconds: z.number().positive(),
  }),
  private: z.boolean(),
  /** Stored only: the tier's telemetry retention, from which signing mints `telemetry`. */
  retentionDays: z.number().int().positive().optional(),
  /** Signed only (edges before telemetry send none). */
  telemetry: DeployTelemetry.optional(),
});
export type DeployPayload = z.infer<typeof DeployPayload>;

/** Builds a version's image without running it (no runner builds on its own yet). */
export const BuildPayload = z.object({ ref: AppRefPayload, version: DeployVersion });
export type BuildPayload = z.infer<typeof BuildPayload>;

/** Stop, restart, remove: the app, and the deployment the edge means (absent when the reconciler acts). */
export const RefPayload = z.object({ ref: AppRefPayload, deploymentId: Id.optional() });
export type RefPayload = z.infer<typeof RefPayload>;

/** Without `ref`, the runner's own status; with it, the app's instance (where the runner deploys). */
export const StatusPayload = z.object({ ref: AppRefPayload.optional() });
export type StatusPayload = z.infer<typeof StatusPayload>;

export const LogsPayload = z.object({
  ref: AppRefPayload,
  deploymentId: Id.optional(),
  tail: z.number().int().nonnegative().max(10_000).default(100),
  /** Stream new lines as progress for `seconds` instead of answering the last `tail` lines. */
  follow: z.boolean().default(false),
  seconds: z.number().int().positive().max(3600).default(300),
});
export type LogsPayload = z.infer<typeof LogsPayload>;

export const ListPayload = z.object({});
export type ListPayload = z.infer<typeof ListPayload>;

/** An app instance as a runner presents it; `url` is where the front serves it, `directUrl` the instance's own. */
export const InstanceResult = z.looseObject({
  ref: AppRefPayload,
  deploymentId: z.string(),
  version: z.string(),
  state: z.string().max(40),
  id: z.string(),
  url: z.string().optional(),
  directUrl: z.string().optional(),
  startedAt: z.string().optional(),
});
export type InstanceResult = z.infer<typeof InstanceResult>;

export const DeployResult = z.looseObject({ state: z.literal('RUNNING'), instance: InstanceResult });
export type DeployResult = z.infer<typeof DeployResult>;

export const BuildResult = z.looseObject({ image: z.string() });
export type BuildResult = z.infer<typeof BuildResult>;

export const StopResult = z.looseObject({ state: z.literal('STOPPED'), instance: InstanceResult.nullable() });
export type StopResult = z.infer<typeof StopResult>;

/** The instance's state after the restart, upper-cased (`RUNNING` when it is healthy). */
export const RestartResult = z.looseObject({ state: z.string().max(40), instance: InstanceResult });
export type RestartResult = z.infer<typeof RestartResult>;

export const RemoveResult = z.looseObject({ state: z.literal('REMOVED') });
export type RemoveResult = z.infer<typeof RemoveResult>;

export const RunnerStatusResult = z.looseObject({
  runnerId: z.string(),
  version: z.string(),
  capabilities: z.array(Capability),
  uptimeSeconds: z.number(),
  transport: Transport.nullable(),
});
export type RunnerStatusResult = z.infer<typeof RunnerStatusResult>;

export const StatusResult = z.union([
  z.looseObject({ instance: InstanceResult.nullable() }),
  RunnerStatusResult,
]);
export type StatusResult = z.infer<typeof StatusResult>;

export const LogsResult = z.looseObject({ lines: z.array(z.string()) });
export type LogsResult = z.infer<typeof LogsResult>;

export const ListResult = z.looseObject({ items: z.array(InventoryItem) });
export type ListResult = z.infer<typeof ListResult>;

/**
 * Re-injects a failed exchange at the start of its route, through the app's agent. The command's id is
 * the idempotency key the runner forwards to the agent, so a command delivered twice replays once.
 */
export const ReplayPayload = z.object({
  ref: AppRefPayload,
  deploymentId: Id,
  exchangeId: z.string().min(1).max(128),
});
export type ReplayPayload = z.infer<typeof ReplayPayload>;

/**
 * What the agent answered: `completed` (the exchange went through), `failed` (it failed again, with the
 * exception), `unavailable` (the agent no longer holds the original: only the redacted copy is left,
 * which is never replayed).
 */
export const ReplayOutcome = z.enum(['completed', 'failed', 'unavailable']);
export type ReplayOutcome = z.infer<typeof ReplayOutcome>;

export const ReplayResult = z.looseObject({
  outcome: ReplayOutcome,
  exchangeId: z.string(),
  /** The exchange id the replay ran as, when it ran. */
  replayExchangeId: z.string().optional(),
  exceptionType: z.string().optional(),
  exceptionMessage: z.string().optional(),
  message: z.string().optional(),
});
export type ReplayResult = z.infer<typeof ReplayResult>;

type Contract = { payload: z.ZodType<Record<string, unknown>>; result: z.ZodType<Record<string, unknown>> };

/** Every command kind's payload and result, in one map: adding a kind without its contract does not compile. */
export const commandContracts = {
  noop: { payload: FreePayload, result: FreePayload },
  echo: { payload: FreePayload, result: FreePayload },
  status: { payload: StatusPayload, result: StatusResult },
  list: { payload: ListPayload, result: ListResult },
  build: { payload: BuildPayload, result: BuildResult },
  deploy: { payload: DeployPayload, result: DeployResult },
  stop: { payload: RefPayload, result: StopResult },
  restart: { payload: RefPayload, result: RestartResult },
  logs: { payload: LogsPayload, result: LogsResult },
  remove: { payload: RefPayload, result: RemoveResult },
  replay: { payload: ReplayPayload, result: ReplayResult },
} as const satisfies Record<CommandKind, Contract>;

export type CommandContracts = typeof commandContracts;
/** A payload as the sender writes it (defaults may be left out). */
export type CommandPayload<K extends CommandKind> = z.input<CommandContracts[K]['payload']>;
/** A payload as the receiver reads it (defaults filled in). */
export type ParsedCommandPayload<K extends CommandKind> = z.output<CommandContracts[K]['payload']>;
export type CommandResult<K extends CommandKind> = z.output<CommandContracts[K]['result']>;

export type ContractParse<T> = { ok: true; data: T } | { ok: false; error: string };

/** One line naming every field that is wrong, e.g. `version.sha256: Invalid string`. */
export function contractIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
}

/** Parses one side of a kind's contract; a mismatch names every wrong field. */
function parseContract<T>(schema: z.ZodType, value: unknown): ContractParse<T> {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, data: parsed.data as T }
    : { ok: false, error: contractIssues(parsed.error) };
}

export function parseCommandPayload<K extends CommandKind>(
  kind: K,
  payload: unknown,
): ContractParse<ParsedCommandPayload<K>> {
  return parseContract(commandContracts[kind].payload, payload);
}

export function parseCommandResult<K extends CommandKind>(
  kind: K,
  output: unknown,
): ContractParse<CommandResult<K>> {
  return parseContract(commandContracts[kind].result, output);
}
