import type { DeploymentState } from '@cameleer/shared';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  appVersions,
  type DeploymentRow,
  deploymentEvents,
  deployments,
  type RunnerRow,
  runners,
  tenants,
} from '../../db/schema/index.ts';
import { AppError, Conflict, NotFound } from '../../errors.ts';
import { getApp } from '../apps.ts';
import type { TenantContext } from '../context.ts';
import { getEnvironment } from '../environments.ts';

type Scope = Pick<TenantContext, 'db' | 'tenantId' | 'clock'>;

/** The newest deployments of an app in an environment (in one state, when given), newest first. */
export function latestDeployments(
  ctx: Scope,
  where: { appId: string; environmentId: string; state?: DeploymentState },
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
        where.state ? eq(deployments.state, where.state) : undefined,
      ),
    )
    .orderBy(desc(deployments.id))
    .limit(limit);
}

/** The deployment of an app in an environment that serves now, if one does (after a failed deploy, not the latest). */
export async function servingDeployment(
  ctx: Scope,
  where: { appId: string; environmentId: string },
): Promise<DeploymentRow | undefined> {
  const [row] = await latestDeployments(ctx, { ...where, state: 'RUNNING' }, 1);
  return row;
}

/** The newest deployment of an app in an environment that reached RUNNING, and the one that ran before it with another version. */
export async function runningHistory(ctx: TenantContext, appId: string, environmentId: string) {
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
  return { current, previous, ran: rows };
}

/** The deployment a `deploy` command carries out, if any. */
export async function deploymentOfCommand(ctx: Scope, commandId: string): Promise<DeploymentRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.commandId, commandId)))
    .limit(1);
  return row;
}

/**
 * An app in an environment and its latest deployment, for a command to that deployment's runner.
 * `online` refuses (503) rather than queue when the runner is offline: for reads someone waits on.
 */
export async function deployedApp(
  ctx: TenantContext,
  input: { app: string; environment: string },
  online?: (runner: RunnerRow) => boolean,
) {
  const app = await getApp({ ctx, input });
  const environment = await getEnvironment({ ctx, input });
  const where = { appId: app.id, environmentId: environment.id };
  const [latest] = await latestDeployments(ctx, where, 1);
  if (!latest) throw new Conflict(`${app.name} was never deployed to ${environment.name}`);
  const serving = latest.state === 'RUNNING' ? latest : await servingDeployment(ctx, where);
  if (online && !online(await runnerRow(ctx, latest.runnerId))) {
    throw new AppError('unavailable', `The runner that runs ${app.name} in ${environment.name} is offline`);
  }
  const ref = { tenant: await tenantSlugOf(ctx), environment: environment.name, app: app.name };
  return { app, environment, latest, serving, ref };
}

export async function latestVersion(ctx: TenantContext, appId: string) {
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
export async function runnerFor(
  ctx: TenantContext,
  environment: string,
  online: (runner: RunnerRow) => boolean,
) {
  const candidates = (
    await ctx.db
      .select()
      .from(runners)
      .where(eq(runners.tenantId, ctx.tenantId))
      .orderBy(asc(runners.createdAt))
  ).filter((r) => !r.revokedAt && (r.environments.length === 0 || r.environments.includes(environment)));
  const runner = candidates.find((r) => online(r)) ?? candidates[0];
  if (!runner) throw new Conflict(`No runner serves the environment ${environment}; register one first`);
  return runner;
}

async function runnerRow(ctx: TenantContext, runnerId: string): Promise<RunnerRow> {
  const [row] = await ctx.db
    .select()
    .from(runners)
    .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, runnerId)))
    .limit(1);
  if (!row) throw new NotFound(`Runner ${runnerId}`);
  return row;
}

export async function tenantSlugOf(ctx: Pick<TenantContext, 'db' | 'tenantId'>): Promise<string> {
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
