import {
  AppRefPayload,
  type SigningKey,
  signProductToken,
  type VerifyingKey,
  verifyProductToken,
} from '@cameleer/shared';
import { errors } from 'jose';
import { z } from 'zod';

/** Whose telemetry an agent token carries: the runner's intake stamps every record with it. */
export type AgentScope = {
  tenantId: string;
  environment: string;
  app: string;
  deploymentId: string;
  retentionDays: number;
};

/** What a signed deploy command carries for the app's agent (`payload.telemetry`). */
export type DeployTelemetry = {
  bootstrapToken: string;
  agentToken: string;
  tenantId: string;
  retentionDays: number;
};

export const agentTokenTtlSeconds = {
  /** The cameleer agent trades it for a session as the app starts; single use. */
  bootstrap: 15 * 60,
  /**
   * The deployment's own token in OTEL_EXPORTER_OTLP_HEADERS, for any OpenTelemetry exporter that
   * cannot register. Long-lived because the app keeps it for its whole life; the runner's intake
   * refuses it as soon as the deployment no longer runs there.
   */
  deployment: 365 * 24 * 3600,
  /** The session a registered agent gets. */
  session: 30 * 24 * 3600,
} as const;

function claimsOf(scope: AgentScope) {
  return {
    sub: scope.deploymentId,
    tid: scope.tenantId,
    env: scope.environment,
    app: scope.app,
    dep: scope.deploymentId,
    ret: scope.retentionDays,
    jti: crypto.randomUUID(),
  };
}

/** An `agentSession` token for the scope: accepted by the runner's intake until it expires. */
export async function signAgentSession(key: SigningKey, scope: AgentScope, now: Date, ttlSeconds: number) {
  return signProductToken('agentSession', key, claimsOf(scope), { now, ttlSeconds });
}

/**
 * Both tokens of a deployment's agent, minted when its deploy command is signed, so they live only
 * inside that signed command and the app's environment, never in the database.
 */
export async function mintDeployTelemetry(
  key: SigningKey,
  scope: AgentScope,
  now: Date,
): Promise<DeployTelemetry> {
  const { ret: _, ...bootstrapClaims } = claimsOf(scope);
  return {
    bootstrapToken: await signProductToken('agentBootstrap', key, bootstrapClaims, {
      now,
      ttlSeconds: agentTokenTtlSeconds.bootstrap,
    }),
    agentToken: await signAgentSession(key, scope, now, agentTokenTtlSeconds.deployment),
    tenantId: scope.tenantId,
    retentionDays: scope.retentionDays,
  };
}

export type BootstrapClaims = {
  tenantId: string;
  environment: string;
  app: string;
  deploymentId: string;
  jti: string;
};

/** Why a bootstrap token proves nothing; the route answers 401 with it. */
export class BootstrapRefused extends Error {
  override name = 'BootstrapRefused';
}

/** Verifies an `agentBootstrap` token signed by one of the edge's command keys; any other kind is refused. */
export async function verifyBootstrapToken(
  keys: readonly VerifyingKey[],
  token: string,
  now: Date,
): Promise<BootstrapClaims> {
  let claims: Record<string, unknown>;
  try {
    claims = await verifyProductToken('agentBootstrap', keys, token, { now, clockToleranceSeconds: 0 });
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new BootstrapRefused('This bootstrap token has expired');
    if (err instanceof errors.JOSEError)
      throw new BootstrapRefused(`This is not a valid bootstrap token (${err.code})`);
    throw err;
  }
  const { tid, env, app, dep, jti, sub } = claims;
  if (
    typeof tid !== 'string' ||
    typeof env !== 'string' ||
    typeof app !== 'string' ||
    typeof dep !== 'string' ||
    typeof jti !== 'string' ||
    sub !== dep
  )
    throw new BootstrapRefused('This bootstrap token carries no complete scope');
  return { tenantId: tid, environment: env, app, deploymentId: dep, jti };
}

/** What minting needs of a stored deploy payload; other payloads (hand-made, or older) carry none. */
const StoredTelemetryFields = z.object({
  ref: AppRefPayload,
  deploymentId: z.string().min(1),
  retentionDays: z.number().int().positive(),
});

/**
 * The `telemetry` section of a deploy command's payload as signed, from the stored payload's
 * `retentionDays` (the tier's, recorded when the deployment was made) and the tokens minted here.
 * None for a payload without it (a hand-made command, or one stored before telemetry existed).
 */
export async function deployCommandTelemetry(
  key: SigningKey,
  tenantId: string,
  payload: Record<string, unknown>,
  now: Date,
): Promise<DeployTelemetry | undefined> {
  const stored = StoredTelemetryFields.safeParse(payload);
  if (!stored.success) return undefined;
  const { ref, deploymentId, retentionDays } = stored.data;
  return mintDeployTelemetry(
    key,
    {
      tenantId,
      environment: ref.environment,
      app: ref.app,
      deploymentId,
      retentionDays,
    },
    now,
  );
}
