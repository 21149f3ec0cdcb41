/**
 * Verifies the agent session tokens apps send with their telemetry: signed by one of the edge's
 * command keys, which this runner already trusts. Who a record belongs to comes from here only.
 */
import { createHash } from 'node:crypto';
import { importVerifyingKey, type VerifyingKey, verifyProductToken } from '@cameleer/shared';
import { errors, type JWK } from 'jose';
import type { TelemetryScope } from './rows.ts';

export type AgentTokenRefusal = 'invalid' | 'expired' | 'scope' | 'not-live';

/** A token that proves nothing; `reason` says which check failed, the message says more. */
export class AgentTokenRefused extends Error {
  override name = 'AgentTokenRefused';
  constructor(
    readonly reason: AgentTokenRefusal,
    message: string,
  ) {
    super(message);
  }
}

export type AgentTokenVerifierOptions = {
  now?: () => Date;
  /** Whether this runner still runs the deployment; tokens of others are refused even when valid. */
  isLive?: (deploymentId: string) => boolean | Promise<boolean>;
  /** Verified tokens remembered (by hash, until they expire), so a busy exporter costs one signature check. */
  cacheSize?: number;
};

type Cached = { scope: TelemetryScope; expiresAtMs: number };

export function agentTokenVerifier(
  keys: () => readonly JWK[],
  opts: AgentTokenVerifierOptions = {},
): (token: string) => Promise<TelemetryScope> {
  const now = opts.now ?? (() => new Date());
  const cacheSize = opts.cacheSize ?? 1024;
  const cache = new Map<string, Cached>();
  let keySet: { fingerprint: string; keys: Promise<VerifyingKey[]> } | undefined;

  /** Re-imports only when the trusted set changed; a rotation also forgets what the old set proved. */
  const currentKeys = (): Promise<VerifyingKey[]> => {
    const jwks = keys();
    const fingerprint = jwks.map((k) => `${k.kid ?? ''}:${k.x ?? ''}`).join(',');
    if (keySet?.fingerprint !== fingerprint) {
      cache.clear();
      keySet = { fingerprint, keys: Promise.all(jwks.map((jwk) => importVerifyingKey(jwk))) };
    }
    return keySet.keys;
  };

  const verify = async (token: string): Promise<Cached> => {
    let claims: Record<string, unknown>;
    try {
      claims = await verifyProductToken('agentSession', await currentKeys(), token, {
        now: now(),
        clockToleranceSeconds: 0,
      });
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new AgentTokenRefused('expired', 'agent token expired');
      if (err instanceof errors.JOSEError)
        throw new AgentTokenRefused('invalid', `agent token refused: ${err.message || err.name}`);
      throw err;
    }
    const { sub, tid, env, app, dep, ret, exp } = claims;
    if (
      typeof tid !== 'string' ||
      typeof env !== 'string' ||
      typeof app !== 'string' ||
      typeof dep !== 'string' ||
      sub !== dep ||
      typeof ret !== 'number' ||
      !Number.isInteger(ret) ||
      ret <= 0 ||
      typeof exp !== 'number'
    )
      throw new AgentTokenRefused('scope', 'agent token carries no complete scope');
    return {
      scope: { tenantId: tid, environment: env, app, deploymentId: dep, retentionDays: ret },
      expiresAtMs: exp * 1000,
    };
  };

  return async (token) => {
    if (!token) throw new AgentTokenRefused('invalid', 'no agent token');
    await currentKeys();
    const hash = createHash('sha256').update(token).digest('base64url');
    let entry = cache.get(hash);
    if (entry && entry.expiresAtMs <= now().getTime()) {
      cache.delete(hash);
      throw new AgentTokenRefused('expired', 'agent token expired');
    }
    if (entry) {
      // Most recently used last: the first key is the one to evict.
      cache.delete(hash);
      cache.set(hash, entry);
    } else {
      entry = await verify(token);
      cache.set(hash, entry);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    }
    if (opts.isLive && !(await opts.isLive(entry.scope.deploymentId)))
      throw new AgentTokenRefused('not-live', `deployment ${entry.scope.deploymentId} does not run here`);
    return entry.scope;
  };
}
