import { z } from 'zod';
import { checkEdgeCommon, edgeCommonShape } from './common.ts';
import { flag, integer, optionalString } from './fields.ts';

/** The settings only the edge on Node has: its listener, its data directory, the embedded database and runner. */
export const nodeOnlyShape = {
  PORT: integer(0, 65535)
    .default(8080)
    .describe('HTTP port of the API, the console and the tunnel; 0 picks a free one'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 inside containers'),
  CAMELEER_DATA_DIR: z
    .string()
    .default('./.cameleer')
    .describe('Where the embedded database, the artifacts and the key files live'),
  CAMELEER_ADMIN_TOKEN: optionalString
    .pipe(z.string().min(16, 'must be at least 16 characters').optional())
    .describe('Secret: an API token with this value exists, platform admin and owner of the default tenant'),
  DATABASE_URL: optionalString.describe(
    'Secret: a PostgreSQL server (postgres://…) instead of the embedded PGlite',
  ),
  DATABASE_MIGRATION_URL: optionalString.describe(
    'Secret: the schema owner that runs the migrations; default DATABASE_URL',
  ),
  CAMELEER_RUNNER_RELEASES_DIR: optionalString.describe(
    'A directory of single-file runner builds served at /runner/releases: one folder per version with `cameleer-runner-linux-x64` and its `.release.json` (scripts/build-runner-binary.ts); unset: none are served',
  ),
  CAMELEER_LOCAL_RUNNER: flag('true').describe(
    'Start a local runner beside the edge, connected over the tunnel on loopback',
  ),
  CAMELEER_COMMAND_SWEEP_MS: integer(100)
    .default(5_000)
    .describe('How often commands past their deadline are failed, in ms'),
  CAMELEER_TELEMETRY: flag('true').describe(
    'Store and serve logs, traces and metrics: at CAMELEER_CLICKHOUSE_URL, else in the embedded chDB',
  ),
  CAMELEER_CLICKHOUSE_EMBEDDED_PORT: integer(0, 65535)
    .optional()
    .describe("Port of the embedded ClickHouse's HTTP interface on loopback; default any free one"),
};
export const NodeOnlyConfig = z.object(nodeOnlyShape);

/** The edge's configuration on Node, parsed once at start from the environment. Secrets are never logged. */
export const NodeConfig = z.object({ ...nodeOnlyShape, ...edgeCommonShape }).superRefine(checkEdgeCommon);
export type NodeConfig = z.infer<typeof NodeConfig>;

/** Every variable the edge on Node reads; each may also be given as `NAME_FILE` (see node/secret-files.ts). */
export const nodeConfigNames = Object.keys({ ...nodeOnlyShape, ...edgeCommonShape });

/** A bad variable stops the start with a message naming it, never its value. */
export function parseNodeConfig(env: Record<string, string | undefined>): NodeConfig {
  const result = NodeConfig.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
