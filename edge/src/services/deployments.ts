import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import {
  appVersions,
  type DeploymentRow,
  type DeploymentState,
  deploymentEvents,
  deployments,
  runners,
  tenants,
} from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { AppError, Conflict, NotFound } from '../errors.ts';
import { sealCommandEnv } from '../secrets/command-env.ts';
import { getApp } from './apps.ts';
import { recordAudit } from './audit.ts';
import { createCommand } from './commands.ts';
import { configEnv, resolveConfig } from './config.ts';
import type { TenantContext } from './context.ts';
import { getEnvironment } from './environments.ts';
import { assertLicenceAllowsDeploy } from './licences.ts';
import { assertEnvironmentAllowed, assertFeature, assertMemoryAllowed, tenantTier } from './limits.ts';
import { recordUsage, usageCodes } from './usage.ts';
import { getVersion, signedArtifactUrl } from './versions.ts';

type Scope = Pick<TenantContext, 'db' | 'tenantId' | 'clock'>;

export const deployDefaults = {
  resources: { memoryMb: 512, cpus: 1, pids: 256 },
  healthCheck: { httpPath: '/health', timeoutSeconds: 90 },
};

/**
 * Deploys a version of an app to an environment: the deployment is BUILDING
 * and a signed `deploy` command for a runner that serves the environment is
 * stored in the same transaction. The runner's progress and result move it on.
 * The command carries the app's settings and its configuration resolved for
 * that environment; secrets only sealed (`sealedEnv`), opened when it is signed.
 */
export async function createDeployment({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: Pick<Services, 'clock' | 'settings' | 'artifactUrlKey' | 'tunnel' | 'secretBox'>;
  input: { app: string; environment: string; version?: string; healthPath?: string | null };
}) {
  const app = await getApp({ ctx, input: { app: input.app } });
  const environment = await getEnvironment({ ctx, input: { environment: input.environment } });
  await assertLicenceAllowsDeploy(ctx, services.settings);
  await assertEnvironmentAllowed(ctx, environment.name);
  await assertMemoryAllowed(ctx, app.memoryMb);
  const version = input.version
    ? await getVersion({ ctx, input: { appId: app.id, version: input.version } })
    : await latestVersion(ctx, app.id);
  const runner = await runnerFor(ctx, environment.name, (id) => !!services.tunnel?.connection(id));
  const config = await configEnv(
    ctx,
    services.secretBox,
    await resolveConfig(ctx, { appId: app.id, environmentId: environment.id }),
  );
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(deployments)
    .values({
      tenantId: ctx.tenantId,
      appId: app.id,
      environmentId: environment.id,
      versionId: version.id,
      runnerId: runner.id,
      state: 'BUILDING',
      reason: `deploying ${version.label} to ${environment.name}`,
      createdBy: ctx.actor.id,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await ctx.db
    .insert(deploymentEvents)
    .values({ tenantId: ctx.tenantId, deploymentId: row.id, at: now, state: 'BUILDING', reason: row.reason });
  await recordUsage(ctx, {
    transactionId: `deployment:${row.id}`,
    code: usageCodes.deployment,
    at: now,
    properties: {
      deployment_id: row.id,
      app_id: app.id,
      environment: environment.name,
      version: version.label,
    },
  });
  const tenantSlug = await tenantSlugOf(ctx);
  const artifact = await signedArtifactUrl(services as Services, {
    tenantId: ctx.tenantId,
    versionId: version.id,
    ttlSeconds: 3600,
  });
  const sealedEnv =
    Object.keys(config.secrets).length && services.secretBox
      ? await sealCommandEnv(
          services.secretBox,
          { tenantId: ctx.tenantId, runnerId: runner.id, deploymentId: row.id },
          config.secrets,
        )
      : undefined;
  const healthPath = input.healthPath !== undefined ? input.healthPath : app.healthPath;
  const command = await createCommand({
    ctx,
    input: {
      runnerId: runner.id,
      kind: 'deploy',
      deadlineSeconds: 1800,
      payload: {
        deploymentId: row.id,
        ref: { tenant: tenantSlug, environment: environment.name, app: app.name },
        version: { id: version.id, label: version.label, sha256: version.sha256, artifactUrl: artifact.url },
        env: {
          ...config.plain,
          CAMELEER_TENANT: tenantSlug,
          CAMELEER_ENVIRONMENT: environment.name,
          CAMELEER_APP: app.name,
          CAMELEER_DEPLOYMENT: row.id,
          APP_VERSION: version.label,
        },
        ...(sealedEnv ? { sealedEnv } : {}),
        resources: { ...deployDefaults.resources, memoryMb: app.memoryMb, cpus: app.cpus },
        writeableVolumes: app.writeableVolumes,
        healthCheck: {
          ...(healthPath === null ? {} : { httpPath: healthPath }),
          timeoutSeconds: deployDefaults.healthCheck.timeoutSeconds,
        },
        private: app.private,
        // The tier's telemetry retention; the agent tokens join it when the command is signed (agent-tokens.ts).
        retentionDays: (await tenantTier(ctx)).limits.retentionDays,
      },
    },
  });
  await ctx.db.update(deployments).set({ commandId: command.id }).where(eq(deployments.id, row.id));
  await recordAudit(ctx, {
    action: 'deployment.create',
    targetType: 'deployment',
    targetId: row.id,
    status: 202,
    detail: {
      app: app.name,
      environment: environment.name,
      version: version.label,
      runnerId: runner.id,
      configKeys: [...Object.keys(config.plain), ...Object.keys(config.secrets)].sort(),
    },
  });
  return { ...row, commandId: command.id, runnerId: runner.id };
}

/** The newest deployment of an app in an environment that reached RUNNING, and the one that ran before it with another version. */
async function runningHistory(ctx: TenantContext, appId: string, environmentId: string) {
  const rows = await ctx.db
    .select()
    .from(deployments)
    .where(
      and(
        eq(deployments.tenantId, ctx.tenantId),
        eq(deployments.appId, appId),
        eq(deployments.environmentId, environmentId),
        inArray(deployments.state, ['RUNNING', 'STOPPED']),
      ),
    )
    .orderBy(desc(deployments.id));
  const current = rows[0];
  const previous = rows.find((r) => r.versionId !== current?.versionId);
  return { current, previous };
}

type DeployServices = Parameters<typeof createDeployment>[0]['services'];

/** Promotion deploys the version running in one environment to another, with that environment's configuration. */
export async function promote({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: DeployServices;
  input: { app: string; from: string; to: string };
}) {
  await assertFeature(ctx, 'promote');
  const app = await getApp({ ctx, input });
  const from = await getEnvironment({ ctx, input: { environment: input.from } });
  const { current } = await runningHistory(ctx, app.id, from.id);
  if (current?.state !== 'RUNNING')
    throw new Conflict(`Nothing of ${app.name} is running in ${from.name} to promote`);
  return createDeployment({
    ctx,
    services,
    input: { app: app.id, environment: input.to, version: current.versionId },
  });
}

/** Rollback deploys again the version that ran in the environment before the current one. */
export async function rollback({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: DeployServices;
  input: { app: string; environment: string };
}) {
  const app = await getApp({ ctx, input });
  const environment = await getEnvironment({ ctx, input });
  const { previous } = await runningHistory(ctx, app.id, environment.id);
  if (!previous) throw new Conflict(`${app.name} has no earlier version that ran in ${environment.name}`);
  return createDeployment({
    ctx,
    services,
    input: { app: app.id, environment: environment.id, version: previous.versionId },
  });
}

/** Stop, restart or remove an app in an environment: a command for the runner of its latest deployment. */
export async function appAction({
  ctx,
  input,
  online,
}: {
  ctx: TenantContext;
  input: {
    app: string;
    environment: string;
    action: 'stop' | 'restart' | 'remove' | 'logs';
    tail?: number;
    /** `logs` only: stream new lines as progress for this many seconds. */
    followSeconds?: number;
  };
  /** Refuse (503) rather than queue when the runner is offline: for reads someone waits on. */
  online?: (runnerId: string) => boolean;
}) {
  const app = await getApp({ ctx, input });
  const environment = await getEnvironment({ ctx, input });
  const [latest] = await latestDeployments(ctx, { appId: app.id, environmentId: environment.id }, 1);
  if (!latest) throw new Conflict(`${app.name} was never deployed to ${environment.name}`);
  if (online && !online(latest.runnerId)) {
    throw new AppError('unavailable', `The runner that runs ${app.name} in ${environment.name} is offline`);
  }
  const ref = { tenant: await tenantSlugOf(ctx), environment: environment.name, app: app.name };
  return createCommand({
    ctx,
    input: {
      runnerId: latest.runnerId,
      kind: input.action,
      deadlineSeconds: 300 + (input.followSeconds ?? 0),
      payload: {
        ref,
        deploymentId: latest.id,
        ...(input.tail !== undefined ? { tail: input.tail } : {}),
        ...(input.followSeconds ? { follow: true, seconds: input.followSeconds } : {}),
      },
    },
  });
}

/** A succeeded `stop` marks its deployment STOPPED, `restart` RUNNING again, `remove` STOPPED (removed). */
export async function appActionResult(
  ctx: Scope,
  command: { kind: string; payload: Record<string, unknown> },
  status: 'succeeded' | 'failed',
) {
  const deploymentId = command.payload.deploymentId;
  if (status !== 'succeeded' || typeof deploymentId !== 'string') return;
  const state: DeploymentState | undefined =
    command.kind === 'stop'
      ? 'STOPPED'
      : command.kind === 'remove'
        ? 'STOPPED'
        : command.kind === 'restart'
          ? 'RUNNING'
          : undefined;
  if (!state) return;
  const now = ctx.clock.now();
  const reason = command.kind === 'remove' ? 'removed' : command.kind === 'stop' ? 'stopped' : 'restarted';
  const updated = await ctx.db
    .update(deployments)
    .set({ state, reason, updatedAt: now })
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, deploymentId)))
    .returning({ id: deployments.id });
  if (updated.length) {
    await ctx.db
      .insert(deploymentEvents)
      .values({ tenantId: ctx.tenantId, deploymentId, at: now, state, reason });
  }
}

/** The newest deployments of an app in an environment, newest first. */
export function latestDeployments(
  ctx: Scope,
  where: { appId: string; environmentId: string },
  limit: number,
): Promise<DeploymentRow[]> {
  return ctx.db
    .select()
    .from(deployments)
    .where(
      and(
        eq(deployments.tenantId, ctx.tenantId),
        eq(deployments.appId, where.appId),
        eq(deployments.environmentId, where.environmentId),
      ),
    )
    .orderBy(desc(deployments.id))
    .limit(limit);
}

async function latestVersion(ctx: TenantContext, appId: string) {
  const [row] = await ctx.db
    .select()
    .from(appVersions)
    .where(and(eq(appVersions.tenantId, ctx.tenantId), eq(appVersions.appId, appId)))
    .orderBy(desc(appVersions.number))
    .limit(1);
  if (!row) throw new Conflict('This app has no version yet; upload a JAR first');
  return row;
}

/** A runner that serves the environment (no environments listed: all), online ones first. */
async function runnerFor(ctx: TenantContext, environment: string, online: (id: string) => boolean) {
  const candidates = (
    await ctx.db
      .select()
      .from(runners)
      .where(eq(runners.tenantId, ctx.tenantId))
      .orderBy(asc(runners.createdAt))
  ).filter((r) => !r.revokedAt && (r.environments.length === 0 || r.environments.includes(environment)));
  const runner = candidates.find((r) => online(r.id)) ?? candidates[0];
  if (!runner) throw new Conflict(`No runner serves the environment ${environment}; register one first`);
  return runner;
}

async function tenantSlugOf(ctx: TenantContext): Promise<string> {
  const [tenant] = await ctx.db
    .select({ slug: tenants.slug })
    .from(tenants)
    .where(eq(tenants.id, ctx.tenantId));
  return tenant?.slug ?? '';
}

export async function getDeployment({ ctx, input }: { ctx: TenantContext; input: { deploymentId: string } }) {
  const [row] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, input.deploymentId)))
    .limit(1);
  if (!row) throw new NotFound(`Deployment ${input.deploymentId}`);
  const events = await ctx.db
    .select({ at: deploymentEvents.at, state: deploymentEvents.state, reason: deploymentEvents.reason })
    .from(deploymentEvents)
    .where(and(eq(deploymentEvents.tenantId, ctx.tenantId), eq(deploymentEvents.deploymentId, row.id)))
    .orderBy(asc(deploymentEvents.id));
  return { ...row, events };
}

export async function listDeployments({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { app: string; limit: number };
}) {
  const app = await getApp({ ctx, input });
  return ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.appId, app.id)))
    .orderBy(desc(deployments.id))
    .limit(input.limit);
}

const final: DeploymentState[] = ['RUNNING', 'FAILED', 'STOPPED'];

/** Persists a transition with its time and reason, unless the deployment is already final. */
async function transition(
  ctx: Scope,
  commandId: string,
  state: DeploymentState,
  reason: string,
  url?: string,
) {
  const [row] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.commandId, commandId)))
    .limit(1);
  if (!row || final.includes(row.state) || row.state === state) return;
  const now = ctx.clock.now();
  await ctx.db
    .update(deployments)
    .set({ state, reason, updatedAt: now, ...(url ? { url } : {}) })
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, row.id)));
  await ctx.db
    .insert(deploymentEvents)
    .values({ tenantId: ctx.tenantId, deploymentId: row.id, at: now, state, reason });
  if (state === 'RUNNING') await retireReplaced(ctx, row, now);
}

/**
 * Reconciliation's own transition: unlike `transition` it may leave a final state (RUNNING that
 * crashed is FAILED; FAILED that runs again is RUNNING), because the runner reported what is true.
 */
export async function reconcileTransition(
  ctx: Scope,
  deploymentId: string,
  state: DeploymentState,
  reason: string,
  url?: string,
) {
  const now = ctx.clock.now();
  const updated = await ctx.db
    .update(deployments)
    .set({ state, reason, updatedAt: now, ...(url ? { url } : {}) })
    .where(
      and(
        eq(deployments.tenantId, ctx.tenantId),
        eq(deployments.id, deploymentId),
        ne(deployments.state, state),
      ),
    )
    .returning({ id: deployments.id });
  if (!updated.length) return false;
  await ctx.db
    .insert(deploymentEvents)
    .values({ tenantId: ctx.tenantId, deploymentId, at: now, state, reason });
  return true;
}

/** Blue/green done: the deployments the new one replaced in its environment are STOPPED, with the reason. */
async function retireReplaced(ctx: Scope, current: DeploymentRow, now: Date) {
  const reason = `replaced by ${current.id}`;
  const replaced = await ctx.db
    .update(deployments)
    .set({ state: 'STOPPED', reason, updatedAt: now })
    .where(
      and(
        eq(deployments.tenantId, ctx.tenantId),
        eq(deployments.appId, current.appId),
        eq(deployments.environmentId, current.environmentId),
        eq(deployments.state, 'RUNNING'),
        ne(deployments.id, current.id),
      ),
    )
    .returning({ id: deployments.id });
  for (const { id } of replaced) {
    await ctx.db
      .insert(deploymentEvents)
      .values({ tenantId: ctx.tenantId, deploymentId: id, at: now, state: 'STOPPED', reason });
  }
}

/** The runner's `stage:STARTING` progress line moves a deployment from BUILDING to STARTING. */
export async function deploymentProgress(ctx: Scope, commandId: string, message: string) {
  if (message === 'stage:STARTING')
    // No image is built for process apps: the runner's own progress lines say what it prepared.
    await transition(ctx, commandId, 'STARTING', 'starting the new instance');
}

/** A `deploy` command's result ends its deployment: RUNNING, or FAILED with the runner's reason. */
export async function deploymentResult(
  ctx: Scope,
  result: { commandId: string; status: 'succeeded' | 'failed'; output?: unknown; error?: string },
) {
  if (result.status === 'succeeded') {
    const url = (result.output as { instance?: { url?: unknown } } | undefined)?.instance?.url;
    await transition(
      ctx,
      result.commandId,
      'RUNNING',
      'healthy and serving',
      typeof url === 'string' ? url : undefined,
    );
  } else {
    await transition(ctx, result.commandId, 'FAILED', result.error ?? 'the runner reported a failure');
  }
}
