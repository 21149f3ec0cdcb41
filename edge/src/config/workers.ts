import { z } from 'zod';
import { AppError } from '../errors.ts';
import { checkEdgeCommon, edgeCommonShape } from './common.ts';
import { optionalString, privateJwk, publicUrl } from './fields.ts';

/** The bindings only the edge on Workers has: how it reaches PostgreSQL without sockets of its own. */
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
  .superRefine(checkEdgeCommon);
export type WorkersConfig = z.infer<typeof WorkersConfig>;

/** Bad bindings are the operator's mistake: a coded 500 naming the bindings, never their values. */
export function parseWorkersConfig(env: Record<string, unknown>): WorkersConfig {
  const result = WorkersConfig.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new AppError('internal', `The worker's bindings are invalid (${problems.join('; ')})`);
}
