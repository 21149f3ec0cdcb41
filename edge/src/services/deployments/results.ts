import { CommandKind, type DeploymentState, parseCommandResult, RefPayload } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import { type DeploymentRow, deployments } from '../../db/schema/index.ts';
import type { TenantContext } from '../context.ts';
import { deploymentOfCommand, latestDeployments } from './queries.ts';
import { transitionDeployment } from './state-machine.ts';

type Scope = Pick<TenantContext, 'db' | 'tenantId' | 'clock'>;

export type DeployOutcome = {
  commandId: string;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: string;
};

/** A deploy's own steps count only while it is in progress: a stop or the reconciler may have settled it first. */
const inProgress: readonly DeploymentState[] = ['BUILDING', 'STARTING'];

/** The runner's `stage:STARTING` progress line moves a deployment from BUILDING to STARTING. */
export async function deploymentProgress(ctx: Scope, commandId: string, message: string) {
  if (message !== 'stage:STARTING') return;
  const deployment = await deploymentOfCommand(ctx, commandId);
  if (!deployment) return;
  await transitionDeployment(ctx, {
    deploymentId: deployment.id,
    to: 'STARTING',
    // No image is built for process apps: the runner's own progress lines say what it prepared.
    reason: 'starting the new instance',
    onlyFrom: ['BUILDING'],
  });
}

/** A `deploy` command's result ends its deployment: RUNNING, or FAILED with the runner's reason. */
export async function deploymentResult(ctx: Scope, result: DeployOutcome) {
  const deployment = await deploymentOfCommand(ctx, result.commandId);
  if (!deployment) return;
  if (result.status === 'failed') {
    await transitionDeployment(ctx, {
      deploymentId: deployment.id,
      to: 'FAILED',
      reason: result.error ?? 'the runner reported a failure',
      onlyFrom: inProgress,
    });
    return;
  }
  // The runner says it serves; a result that does not match the contract only loses the address.
  const parsed = parseCommandResult('deploy', result.output);
  const running = await transitionDeployment(ctx, {
    deploymentId: deployment.id,
    to: 'RUNNING',
    reason: parsed.ok
      ? 'healthy and serving'
      : `healthy and serving (its result is not valid: ${parsed.error})`,
    url: parsed.ok ? parsed.data.instance.url : undefined,
    onlyFrom: inProgress,
  });
  if (running) await stopOthersServing(ctx, running, `replaced by ${running.id}`);
}

/**
 * The other deployments of `current`'s app and environment that still serve are STOPPED, with the
 * reason: after blue/green the new one replaced them; after a stop or remove the app serves nothing.
 */
async function stopOthersServing(ctx: Scope, current: DeploymentRow, reason: string) {
  const serving = await latestDeployments(
    ctx,
    { appId: current.appId, environmentId: current.environmentId, state: 'RUNNING' },
    100,
  );
  for (const { id } of serving.filter((d) => d.id !== current.id)) {
    await transitionDeployment(ctx, { deploymentId: id, to: 'STOPPED', reason, onlyFrom: ['RUNNING'] });
  }
}

const actionOutcomes = {
  stop: { to: 'STOPPED', reason: 'stopped' },
  remove: { to: 'STOPPED', reason: 'removed' },
  restart: { to: 'RUNNING', reason: 'restarted' },
} as const satisfies Partial<Record<CommandKind, { to: DeploymentState; reason: string }>>;
const isAppAction = (kind: string): kind is keyof typeof actionOutcomes =>
  Object.hasOwn(actionOutcomes, kind);

/**
 * A succeeded `stop` marks its deployment STOPPED, `restart` RUNNING again, `remove` STOPPED (removed).
 * A stop or remove ends the app in its environment: a version that still served after a failed
 * deploy stops too, or the reconciler would find it gone and deploy it again.
 */
export async function appActionResult(
  ctx: Scope,
  command: { kind: string; payload: Record<string, unknown> },
  status: 'succeeded' | 'failed',
) {
  if (status !== 'succeeded' || !isAppAction(command.kind)) return;
  const outcome = actionOutcomes[command.kind];
  // The reconciler's own stop or remove names no deployment: it changes none.
  const payload = RefPayload.safeParse(command.payload);
  const deploymentId = payload.success ? payload.data.deploymentId : undefined;
  if (!deploymentId || !(await exists(ctx, deploymentId))) return;
  const moved = await transitionDeployment(ctx, { deploymentId, ...outcome });
  if (moved && outcome.to === 'STOPPED') await stopOthersServing(ctx, moved, outcome.reason);
}

async function exists(ctx: Scope, deploymentId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: deployments.id })
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, deploymentId)));
  return !!row;
}

/** A finished command, whatever its kind: what it means for deployments, dispatched by kind. */
export async function commandFinished(
  ctx: Scope,
  command: { id: string; kind: string; payload: Record<string, unknown> } & Omit<DeployOutcome, 'commandId'>,
) {
  const kind = CommandKind.safeParse(command.kind);
  if (!kind.success) return;
  switch (kind.data) {
    case 'deploy':
      return deploymentResult(ctx, { ...command, commandId: command.id });
    case 'stop':
    case 'restart':
    case 'remove':
      return appActionResult(ctx, command, command.status);
    default:
      return;
  }
}
