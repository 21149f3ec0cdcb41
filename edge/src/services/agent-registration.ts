import type { SigningKey } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import { type Db, withTenant } from '../db/client.ts';
import { agentRegistrations, apps, deployments, environments } from '../db/schema/index.ts';
import { Conflict, Forbidden, NotFound, Unauthenticated } from '../errors.ts';
import {
  type AgentScope,
  agentTokenTtlSeconds,
  BootstrapRefused,
  signAgentSession,
  verifyBootstrapToken,
} from './agent-tokens.ts';
import { recordAudit } from './audit.ts';
import { tenantTier } from './limits.ts';

/** Deployments an agent may still register for: on their way up or up. */
const liveStates = new Set(['BUILDING', 'STARTING', 'RUNNING']);

export type RegisterAgentInput = {
  bootstrapToken: string;
  hostname?: string;
  agentVersion?: string;
};

/**
 * Trades a deployment's bootstrap token for an agent session. The token must be the edge's, of the
 * bootstrap kind, unexpired, for a live deployment that is still in the tenant, environment and app
 * it names, and never used before; a refusal stores nothing.
 */
export async function registerAgent({
  db,
  clock,
  commandKeys,
  requestId,
  input,
}: {
  db: Db;
  clock: Clock;
  commandKeys: readonly SigningKey[];
  requestId: string;
  input: RegisterAgentInput;
}) {
  const key = commandKeys[0];
  if (!key) throw new Error('no command key');
  const now = clock.now();
  const claims = await verifyBootstrapToken(commandKeys, input.bootstrapToken, now).catch((err: unknown) => {
    throw err instanceof BootstrapRefused ? new Unauthenticated(err.message) : err;
  });
  const { tenantId, deploymentId } = claims;
  const registered = await withTenant(db, tenantId, async (tx) => {
    const [deployment] = await tx
      .select({ state: deployments.state, environment: environments.name, app: apps.name })
      .from(deployments)
      .innerJoin(environments, eq(environments.id, deployments.environmentId))
      .innerJoin(apps, eq(apps.id, deployments.appId))
      .where(and(eq(deployments.tenantId, tenantId), eq(deployments.id, deploymentId)));
    if (!deployment) throw new NotFound(`Deployment ${deploymentId}`);
    if (deployment.environment !== claims.environment || deployment.app !== claims.app)
      throw new Forbidden('This bootstrap token names another environment or app than its deployment');
    if (!liveStates.has(deployment.state))
      throw new Forbidden(`Deployment ${deploymentId} is ${deployment.state}: its agents may not register`);
    const [row] = await tx
      .insert(agentRegistrations)
      .values({
        tenantId,
        deploymentId,
        jti: claims.jti,
        registeredAt: now,
        hostname: input.hostname,
        agentVersion: input.agentVersion,
      })
      .onConflictDoNothing({ target: agentRegistrations.jti })
      .returning();
    if (!row) throw new Conflict('This bootstrap token was already used; redeploy for a new one');
    await recordAudit(
      {
        db: tx,
        tenantId,
        clock,
        requestId,
        actor: { type: 'system', id: `agent:${deploymentId}`, role: 'system' },
      },
      {
        action: 'agent.register',
        targetType: 'deployment',
        targetId: deploymentId,
        status: 201,
        detail: { agentId: row.id, hostname: input.hostname, agentVersion: input.agentVersion },
      },
    );
    return { row, retentionDays: (await tenantTier({ db: tx, tenantId })).limits.retentionDays };
  });
  const scope: AgentScope = {
    tenantId,
    environment: claims.environment,
    app: claims.app,
    deploymentId,
    retentionDays: registered.retentionDays,
  };
  const ttl = agentTokenTtlSeconds.session;
  return {
    agentId: registered.row.id,
    token: await signAgentSession(key, scope, now, ttl),
    expiresAt: new Date(Math.floor(now.getTime() / 1000) * 1000 + ttl * 1000),
    scope,
  };
}
