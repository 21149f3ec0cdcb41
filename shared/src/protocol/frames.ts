import { z } from 'zod';

/**
 * The tunnel protocol between a runner and the edge: JSON frames, each with
 * the protocol version `v`, a message `id` and a `type`. Both sides import
 * these schemas; nothing crosses the tunnel unvalidated.
 */
export const protocolVersion = 1;

/** Largest frame either side accepts (bytes of JSON). */
export const maxFrameBytes = 1024 * 1024;

export const Capability = z.enum(['docker', 'kubernetes', 'process']);
export type Capability = z.infer<typeof Capability>;

export const Transport = z.enum(['websocket', 'long-poll']);
export type Transport = z.infer<typeof Transport>;

export const CommandKind = z.enum([
  'noop',
  'echo',
  'status',
  'list',
  'build',
  'deploy',
  'stop',
  'restart',
  'logs',
  'remove',
  'replay',
]);
export type CommandKind = z.infer<typeof CommandKind>;

const Id = z.string().min(1).max(64);
const base = { v: z.literal(protocolVersion), id: Id };

/** What the runner runs right now, reported on connect and whenever it changes so the edge can reconcile. */
export const InventoryItem = z.object({
  kind: z.string().max(40),
  name: z.string().max(200),
  state: z.string().max(40),
  labels: z.record(z.string(), z.string()).optional(),
});
export type InventoryItem = z.infer<typeof InventoryItem>;

export const Hello = z.strictObject({
  ...base,
  type: z.literal('hello'),
  runnerVersion: z.string().max(40),
  capabilities: z.array(Capability).max(3),
  transport: Transport,
  inventory: z.array(InventoryItem).max(10_000),
  /** Set when the runner could not take its inventory (engine down): `inventory` then says nothing. */
  inventoryError: z.string().max(4096).optional(),
});
export type Hello = z.infer<typeof Hello>;

/** The runner's full inventory again, sent when what runs changed (and now and then); never partial. */
export const Inventory = z.strictObject({
  ...base,
  type: z.literal('inventory'),
  inventory: z.array(InventoryItem).max(10_000),
});
export type Inventory = z.infer<typeof Inventory>;

export const Ack = z.strictObject({ ...base, type: z.literal('ack'), commandId: Id });
export type Ack = z.infer<typeof Ack>;

export const Progress = z.strictObject({
  ...base,
  type: z.literal('progress'),
  commandId: Id,
  message: z.string().max(64 * 1024),
});
export type Progress = z.infer<typeof Progress>;

export const Result = z.strictObject({
  ...base,
  type: z.literal('result'),
  commandId: Id,
  status: z.enum(['succeeded', 'failed']),
  output: z.unknown().optional(),
  error: z
    .string()
    .max(64 * 1024)
    .optional(),
});
export type Result = z.infer<typeof Result>;

export const Heartbeat = z.strictObject({ ...base, type: z.literal('heartbeat'), at: z.number() });
export type Heartbeat = z.infer<typeof Heartbeat>;

/**
 * The heartbeat both sides send: always the same text, so a host can answer it without running any
 * code (a Durable Object's WebSocket auto-response, which never wakes a hibernating hub). A valid
 * `Heartbeat` frame, so edges that read heartbeats as frames take it like any other.
 */
export const fixedHeartbeat: Heartbeat = { v: protocolVersion, id: 'heartbeat', type: 'heartbeat', at: 0 };
export const fixedHeartbeatText = JSON.stringify(fixedHeartbeat);

export const ErrorFrame = z.strictObject({
  ...base,
  type: z.literal('error'),
  code: z.enum([
    'unsupported-version',
    'invalid-frame',
    'frame-too-large',
    'unauthorized',
    'revoked',
    'internal',
  ]),
  message: z.string().max(4096),
  /** The protocol versions the sender speaks, on `unsupported-version`. */
  supported: z.array(z.number().int()).optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const Welcome = z.strictObject({
  ...base,
  type: z.literal('welcome'),
  runnerId: Id,
  tenantId: Id,
  heartbeatIntervalMs: z.number().int().positive(),
  serverTime: z.number(),
  /** The edge's command keys (JWKS), endorsed by a key the runner already trusts: a `commandKeys` token. */
  commandKeys: z.string().max(16 * 1024),
});
export type Welcome = z.infer<typeof Welcome>;

/** A command. Only the signed `token` (kind `command`) counts; the runner acts on its verified claims. */
export const CommandFrame = z.strictObject({
  ...base,
  type: z.literal('command'),
  commandId: Id,
  seq: z.number().int(),
  token: z.string().max(maxFrameBytes),
});
export type CommandFrame = z.infer<typeof CommandFrame>;

export const RunnerFrame = z.discriminatedUnion('type', [
  Hello,
  Inventory,
  Ack,
  Progress,
  Result,
  Heartbeat,
  ErrorFrame,
]);
export type RunnerFrame = z.infer<typeof RunnerFrame>;

export const EdgeFrame = z.discriminatedUnion('type', [Welcome, CommandFrame, Heartbeat, ErrorFrame]);
export type EdgeFrame = z.infer<typeof EdgeFrame>;

/** The claims of a signed command, as the runner sees them after verifying the token. */
export const SignedCommand = z.object({
  commandId: Id,
  tenantId: Id,
  runnerId: Id,
  seq: z.number().int(),
  kind: CommandKind,
  payload: z.record(z.string(), z.unknown()),
});
export type SignedCommand = z.infer<typeof SignedCommand>;
