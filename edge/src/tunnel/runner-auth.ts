import { importVerifyingKey, verifyProductToken } from '@cameleer/shared';
import { decodeJwt, errors } from 'jose';
import { withTenant } from '../db/client.ts';
import type { Services } from '../env.ts';
import { AppError } from '../errors.ts';
import { getRunner } from '../services/runners.ts';

export type RunnerIdentity = { runnerId: string; tenantId: string };

export class RunnerRefused extends AppError {
  constructor(
    readonly reason: 'unauthorized' | 'revoked',
    detail: string,
  ) {
    super('unauthenticated', detail);
  }
}

/**
 * Verifies a runner credential: a short-lived JWT of kind `runner`, signed by
 * the runner's own key (the edge keeps only the public half), used once.
 */
export async function authenticateRunner(
  services: Services,
  authorization: string | undefined,
): Promise<RunnerIdentity> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new RunnerRefused('unauthorized', 'Send a runner credential as a bearer token');
  let claimed: { sub?: unknown; tid?: unknown };
  try {
    claimed = decodeJwt(token);
  } catch {
    throw new RunnerRefused('unauthorized', 'The runner credential is not a JWT');
  }
  if (typeof claimed.sub !== 'string' || typeof claimed.tid !== 'string') {
    throw new RunnerRefused('unauthorized', 'The runner credential names no runner or tenant');
  }
  const runnerId = claimed.sub;
  const tenantId = claimed.tid;
  const runner = await withTenant(services.db, tenantId, (db) =>
    getRunner({ ctx: { db, tenantId }, input: { runnerId } }),
  ).catch(() => undefined);
  if (!runner) throw new RunnerRefused('unauthorized', 'Unknown runner');
  try {
    const key = await importVerifyingKey({ kty: 'OKP', crv: 'Ed25519', x: runner.publicKey, kid: runner.id });
    const claims = await verifyProductToken('runner', [key], token, { now: services.clock.now() });
    if (
      typeof claims.jti !== 'string' ||
      !services.replayGuard.firstUse(`${runner.id}:${claims.jti}`, (claims.exp ?? 0) * 1000)
    ) {
      throw new RunnerRefused('unauthorized', 'This runner credential was already used');
    }
  } catch (err) {
    if (err instanceof RunnerRefused) throw err;
    if (err instanceof errors.JOSEError)
      throw new RunnerRefused('unauthorized', `Invalid runner credential (${err.code})`);
    throw err;
  }
  if (runner.revokedAt)
    throw new RunnerRefused('revoked', 'This runner was revoked; register it again with a new token');
  return { runnerId, tenantId };
}
