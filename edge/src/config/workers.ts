import type { R2Bucket } from '@cloudflare/workers-types';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { HubNamespace } from '../worker/durable-hub.ts';
import { checkEdgeCommon, edgeCommonShape } from './common.ts';
import { flag, optionalString, privateJwk, publicUrl } from './fields.ts';

const isHubNamespace = (value: unknown): value is HubNamespace =>
  typeof value === 'object' && value !== null && 'idFromName' in value && 'get' in value;

const isR2Bucket = (value: unknown): value is R2Bucket =>
  typeof value === 'object' && value !== null && 'createMultipartUpload' in value && 'head' in value;

/** The bindings only the edge on Workers has: how it reaches PostgreSQL without sockets of its own, where JARs live. */
export const workersOnlyShape = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .describe(
      'Secret: PostgreSQL (postgres://…) reached through the Neon driver; the login role must be allowed to act as cameleer_app',
    ),
  NEON_WS_PROXY: optionalString
    .pipe(
      z
        .string()
        .regex(/^[\w.-]+:\d{1,5}$/, 'must be host:port')
        .optional(),
    )
    .describe('Local testing only: host:port of a plain WebSocket-to-TCP relay in front of PostgreSQL'),
  ARTIFACTS: z
    .custom<R2Bucket>(isR2Bucket, 'must be an R2 bucket binding ([[r2_buckets]] in wrangler.toml)')
    .optional()
    .describe(
      'Binding (not a variable): the R2 bucket holding uploaded JARs, `[[r2_buckets]] binding = "ARTIFACTS"`; needs CAMELEER_ARTIFACT_URL_KEY; unbound: uploads and runner downloads answer 503',
    ),
  TUNNEL: z
    .custom<HubNamespace>(
      isHubNamespace,
      'must be a Durable Object namespace binding ([[durable_objects.bindings]])',
    )
    .optional()
    .describe(
      'Binding (not a variable): the runner tunnel hub, one Durable Object per runner, `[[durable_objects.bindings]] name = "TUNNEL"` of class TunnelHubObject; unbound: runners cannot connect (the tunnel answers 503)',
    ),
  CAMELEER_BENCH_BARE_ROUTE: flag('false').describe(
    'Benchmark only (`npm run bench`), never in production: answer GET /__bench/bare with an empty 200, the baseline /auth/verify is measured against; off, that path is a 404',
  ),
};
export const WorkersOnlyConfig = z.object(workersOnlyShape);

/** Common settings a Worker cannot do without: it has no data directory to make them in, nor a port to guess from. */
const requiredOnWorkers = {
  CAMELEER_PUBLIC_URL: publicUrl.describe(edgeCommonShape.CAMELEER_PUBLIC_URL.description ?? ''),
  CAMELEER_SESSION_KEY: privateJwk.describe(edgeCommonShape.CAMELEER_SESSION_KEY.description ?? ''),
};

/** The edge's configuration on Workers: its bindings (vars and secrets), parsed per request. Secrets are never logged. */
export const WorkersConfig = z
  .object({ ...edgeCommonShape, ...requiredOnWorkers, ...workersOnlyShape })
  .superRefine((c, ctx) => {
    checkEdgeCommon(c, ctx);
    if (c.ARTIFACTS && !c.CAMELEER_ARTIFACT_URL_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['CAMELEER_ARTIFACT_URL_KEY'],
        message: 'the ARTIFACTS bucket needs CAMELEER_ARTIFACT_URL_KEY to sign runner downloads',
      });
    }
  });
export type WorkersConfig = z.infer<typeof WorkersConfig>;

/** Bad bindings are the operator's mistake: a coded 500 naming the bindings, never their values. */
export function parseWorkersConfig(env: Record<string, unknown>): WorkersConfig {
  const result = WorkersConfig.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new AppError('internal', `The worker's bindings are invalid (${problems.join('; ')})`);
}
