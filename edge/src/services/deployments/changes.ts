import { and, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import { type DeploymentRow, deploymentEvents, deployments } from '../../db/schema/index.ts';
import { getApp } from '../apps.ts';
import type { TenantContext } from '../context.ts';

const batchLimit = 200;
const eventIdPattern = /^dpe_[0-9a-z]{26}$/;

/** A Last-Event-ID of a changes stream, when it is one. */
export function parseChangesCursor(raw: string | undefined): string | undefined {
  return raw && eventIdPattern.test(raw) ? raw : undefined;
}

export type ChangesScope = { appId?: string };

/** The tenant's (or one app's) deployments, when one is named: a 404 for an app that is not there. */
export async function changesScope({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { app?: string };
}): Promise<ChangesScope> {
  if (!input.app) return {};
  return { appId: (await getApp({ ctx, input: { app: input.app } })).id };
}

/**
 * Where a new follower starts: after the newest timeline event, or, with `since`, just before the
 * first event from that time on (the time of the list the follower already has; repeats are
 * harmless because each change carries the deployment as it is now).
 */
export async function changesStart(
  ctx: Pick<TenantContext, 'db' | 'tenantId'>,
  scope: ChangesScope,
  since?: Date,
): Promise<string> {
  const newest = (where: SQL | undefined) =>
    ctx.db
      .select({ id: deploymentEvents.id })
      .from(deploymentEvents)
      .innerJoin(deployments, eq(deployments.id, deploymentEvents.deploymentId))
      .where(
        and(
          eq(deploymentEvents.tenantId, ctx.tenantId),
          scope.appId ? eq(deployments.appId, scope.appId) : undefined,
          where,
        ),
      )
      .orderBy(desc(deploymentEvents.id))
      .limit(1);
  const [before] = await newest(since ? lt(deploymentEvents.at, since) : undefined);
  return before?.id ?? '';
}

/**
 * Deployments whose timeline moved after `after`, each once as it is now, tagged with its newest
 * event: the order of those ids is the order of the changes, and the last one is the next cursor.
 */
export async function deploymentChanges(
  ctx: Pick<TenantContext, 'db' | 'tenantId'>,
  scope: ChangesScope,
  after: string,
): Promise<Array<{ eventId: string; deployment: DeploymentRow }>> {
  const rows = await ctx.db
    .select({ eventId: deploymentEvents.id, deployment: deployments })
    .from(deploymentEvents)
    .innerJoin(deployments, eq(deployments.id, deploymentEvents.deploymentId))
    .where(
      and(
        eq(deploymentEvents.tenantId, ctx.tenantId),
        eq(deployments.tenantId, ctx.tenantId),
        scope.appId ? eq(deployments.appId, scope.appId) : undefined,
        after ? gt(deploymentEvents.id, after) : undefined,
      ),
    )
    .orderBy(deploymentEvents.id)
    .limit(batchLimit);
  const newest = new Map<string, { eventId: string; deployment: DeploymentRow }>();
  for (const row of rows) {
    newest.delete(row.deployment.id);
    newest.set(row.deployment.id, row);
  }
  return [...newest.values()];
}
