import { DeployPayload, type InventoryItem, newId, StatusPayload } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import {
  apps,
  commands,
  type DeploymentRow,
  deployments,
  environments,
  tenants,
} from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { recordAudit } from './audit.ts';
import { createCommand, openCommands } from './commands.ts';
import type { Actor, TenantContext } from './context.ts';
import {
  createDeployment,
  type DeployServices,
  latestDeployments,
  noteDeployment,
  recordDeploymentUrl,
  transitionDeployment,
} from './deployments/index.ts';
import { type Decision, decide, type ReportedInstance, reportedInstances } from './reconcile-plan.ts';
import { getRunner } from './runners.ts';

export const reconcilerActor: Actor = { type: 'system', id: 'reconciler', role: 'system' };

export type ReconcileServices = DeployServices & Pick<Services, 'log'>;

export type ReconcileAction = {
  decision: Decision['kind'];
  environment: string;
  app: string;
  deploymentId?: string;
  commandId?: string;
  /** The runner the new command is for (a redeploy may pick another one). */
  runnerId?: string;
};

const history = 50;

/**
 * Compares what a runner reports it runs with what the edge wants there (per app and environment,
 * the latest deployment) and acts: marks crashed deployments FAILED and recovered ones RUNNING,
 * redeploys what vanished, stops or removes what nobody wants. Only the runner's own tenant counts.
 */
export async function reconcileRunner({
  ctx,
  services,
  input,
}: {
  ctx: Pick<TenantContext, 'db' | 'tenantId' | 'clock' | 'afterCommit'>;
  services: ReconcileServices;
  input: { runnerId: string; inventory: InventoryItem[] };
}): Promise<ReconcileAction[]> {
  const scope: TenantContext = { ...ctx, actor: reconcilerActor, requestId: newId('req') };
  const runner = await getRunner({ ctx, input });
  const [tenant] = await ctx.db.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  const reported = reportedInstances(input.inventory).filter((r) => {
    if (r.tenant === tenant?.slug) return true;
    services.log.error('reconcile: runner reports an instance of another tenant; ignored', {
      runnerId: runner.id,
      instance: `${r.tenant}/${r.environment}/${r.app}`,
    });
    return false;
  });

  const appRows = await ctx.db.select().from(apps).where(eq(apps.tenantId, ctx.tenantId));
  const envRows = await ctx.db.select().from(environments).where(eq(environments.tenantId, ctx.tenantId));
  const ours = await ctx.db
    .selectDistinct({ appId: deployments.appId, environmentId: deployments.environmentId })
    .from(deployments)
    .where(
      and(
        eq(deployments.tenantId, ctx.tenantId),
        eq(deployments.runnerId, runner.id),
        eq(deployments.state, 'RUNNING'),
      ),
    );
  const targets = new Map<string, { environment: string; app: string }>();
  for (const { appId, environmentId } of ours) {
    const app = appRows.find((a) => a.id === appId)?.name;
    const environment = envRows.find((e) => e.id === environmentId)?.name;
    if (app && environment) targets.set(`${environment}/${app}`, { environment, app });
  }
  for (const r of reported) targets.set(`${r.environment}/${r.app}`, r);

  const open = new Set(
    (await openCommands(ctx, runner.id)).map((c) => {
      // Every kind that names an app carries `ref`; the others name none.
      const ref = StatusPayload.safeParse(c.payload).data?.ref;
      return `${String(ref?.environment)}/${String(ref?.app)}`;
    }),
  );

  const actions: ReconcileAction[] = [];
  for (const [key, { environment, app }] of targets) {
    const appRow = appRows.find((a) => a.name === app);
    const envRow = envRows.find((e) => e.name === environment);
    const rows =
      appRow && envRow
        ? await latestDeployments(ctx, { appId: appRow.id, environmentId: envRow.id }, history)
        : [];
    const decision = decide({
      runnerId: runner.id,
      deployments: rows,
      reported: reported.filter((r) => r.environment === environment && r.app === app),
      commandOpen: open.has(key),
    });
    if (!decision) continue;
    const target = { tenant: tenant?.slug ?? '', environment, app };
    actions.push(await apply(scope, services, runner, target, decision));
  }
  return actions;
}

async function apply(
  ctx: TenantContext,
  services: ReconcileServices,
  runner: { id: string; name: string },
  ref: Omit<ReportedInstance, 'state'>,
  decision: Decision,
): Promise<ReconcileAction> {
  const action: ReconcileAction = {
    decision: decision.kind,
    environment: ref.environment,
    app: ref.app,
    deploymentId: decision.deployment?.id,
  };
  const by = `runner ${runner.name}`;
  switch (decision.kind) {
    case 'url':
      await recordDeploymentUrl(ctx, decision.deployment.id, decision.url);
      return action;
    case 'failed':
      await transitionDeployment(ctx, {
        deploymentId: decision.deployment.id,
        to: 'FAILED',
        reason: `reported ${decision.state} by ${by}`,
        onlyFrom: ['RUNNING'],
      });
      break;
    case 'running-again':
      await transitionDeployment(ctx, {
        deploymentId: decision.deployment.id,
        to: 'RUNNING',
        reason: 'running again (reconciled)',
        url: decision.url,
        onlyFrom: ['FAILED'],
      });
      break;
    case 'redeploy':
      Object.assign(action, await redeploy(ctx, services, decision.deployment, by));
      break;
    case 'remove':
    case 'stop': {
      const command = await createCommand({
        ctx,
        services,
        input: {
          runnerId: runner.id,
          kind: decision.kind,
          deadlineSeconds: 300,
          payload: { ref: { tenant: ref.tenant, environment: ref.environment, app: ref.app } },
        },
      });
      Object.assign(action, { commandId: command.id, runnerId: runner.id });
      if (decision.deployment) {
        await noteDeployment(
          ctx,
          decision.deployment,
          `still on ${by} although ${decision.why}; ${decision.kind === 'stop' ? 'stopping' : 'removing'} it (reconciled)`,
        );
      }
      break;
    }
  }
  services.log.info('reconcile', { runnerId: runner.id, ...action });
  await recordAudit(ctx, {
    action: 'deployment.reconcile',
    targetType: action.deploymentId ? 'deployment' : 'app',
    targetId: action.deploymentId ?? `${ref.environment}/${ref.app}`,
    status: 200,
    detail: { ...action, runnerId: runner.id, ...('why' in decision ? { why: decision.why } : {}) },
  });
  return action;
}

/** The instance is gone: the same version is deployed again (a new deployment), the old one is FAILED. */
async function redeploy(
  ctx: TenantContext,
  services: ReconcileServices,
  missing: DeploymentRow,
  by: string,
): Promise<Partial<ReconcileAction>> {
  const gone = `instance missing on ${by}`;
  const healthPath = await healthPathOf(ctx, missing.commandId);
  try {
    // A savepoint: a redeploy that cannot be made (no runner, no artifact key) leaves the rest intact.
    const next = await ctx.db.transaction((tx) =>
      createDeployment({
        ctx: { ...ctx, db: tx },
        services,
        input: {
          app: missing.appId,
          environment: missing.environmentId,
          version: missing.versionId,
          healthPath,
        },
      }),
    );
    await transitionDeployment(ctx, {
      deploymentId: missing.id,
      to: 'FAILED',
      reason: `${gone}; redeployed as ${next.id}`,
      onlyFrom: ['RUNNING'],
    });
    return { commandId: next.commandId, runnerId: next.runnerId, deploymentId: next.id };
  } catch (err) {
    await transitionDeployment(ctx, {
      deploymentId: missing.id,
      to: 'FAILED',
      reason: `${gone}; could not redeploy: ${(err as Error).message}`,
      onlyFrom: ['RUNNING'],
    });
    return {};
  }
}

/** The health path of the original deploy, so the redeploy checks the same thing (null: none). */
async function healthPathOf(
  ctx: TenantContext,
  commandId: string | null,
): Promise<string | null | undefined> {
  if (!commandId) return undefined;
  const [row] = await ctx.db
    .select({ payload: commands.payload })
    .from(commands)
    .where(and(eq(commands.tenantId, ctx.tenantId), eq(commands.id, commandId)));
  const payload = DeployPayload.safeParse(row?.payload);
  if (!payload.success) return undefined;
  return payload.data.healthCheck.httpPath ?? null;
}
