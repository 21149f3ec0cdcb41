import type { DeploymentState } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import { type DeploymentRow, deploymentEvents, deployments } from '../../db/schema/index.ts';
import { Conflict, NotFound } from '../../errors.ts';
import type { TenantContext } from '../context.ts';

/**
 * The deployment state machine: the only writer of a deployment's state and of its timeline (and
 * of its row at all). Every transition is persisted with its time and reason, only along these edges.
 */
export const deploymentTransitions: Record<DeploymentState, readonly DeploymentState[]> = {
  // A runner that sends no STARTING stage goes straight to RUNNING; a stop may overtake a deploy.
  BUILDING: ['STARTING', 'RUNNING', 'FAILED', 'STOPPED'],
  STARTING: ['RUNNING', 'FAILED', 'STOPPED'],
  // RUNNING again: restarted. FAILED: crashed, or vanished from its runner (reconciled).
  RUNNING: ['RUNNING', 'FAILED', 'STOPPED'],
  // RUNNING: restarted, or reported running again (reconciled).
  FAILED: ['RUNNING', 'STOPPED'],
  // STOPPED again: removed after it was stopped.
  STOPPED: ['RUNNING', 'STOPPED'],
};

/** Where a new deployment starts; no transition leads back to it. */
export const initialDeploymentState = 'BUILDING' satisfies DeploymentState;

export function canTransition(from: DeploymentState, to: DeploymentState): boolean {
  return deploymentTransitions[from].includes(to);
}

/** A transition the state machine does not allow; nothing was written. */
export class DeploymentTransitionRefused extends Conflict {
  constructor(
    readonly deploymentId: string,
    readonly from: DeploymentState,
    readonly to: DeploymentState,
  ) {
    super(`Deployment ${deploymentId} cannot go from ${from} to ${to}`);
    this.name = 'DeploymentTransitionRefused';
  }
}

type Scope = Pick<TenantContext, 'db' | 'tenantId' | 'clock'>;
type NewDeployment = Pick<
  typeof deployments.$inferInsert,
  'appId' | 'environmentId' | 'versionId' | 'runnerId' | 'reason' | 'createdBy' | 'configDigest'
>;

/** Stores a new deployment in the initial state, with the first line of its timeline. */
export async function startDeployment(ctx: Scope, values: NewDeployment): Promise<DeploymentRow> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(deployments)
    .values({
      ...values,
      tenantId: ctx.tenantId,
      state: initialDeploymentState,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await appendEvent(ctx, row.id, row.state, row.reason, now);
  return row;
}

export type TransitionInput = {
  deploymentId: string;
  to: DeploymentState;
  reason: string;
  /** Where the app is reached now, when the transition says. */
  url?: string;
  /** Only from these states; from any other the transition is skipped (undefined), not refused. */
  onlyFrom?: readonly DeploymentState[];
};

/**
 * Moves a deployment to `to` with a reason, or refuses an edge the table lacks. Compare-and-set on
 * the state it read, so two writers racing cannot both move it from the same state.
 */
export async function transitionDeployment(
  ctx: Scope,
  input: TransitionInput,
): Promise<DeploymentRow | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await findDeployment(ctx, input.deploymentId);
    if (input.onlyFrom && !input.onlyFrom.includes(current.state)) return undefined;
    if (!canTransition(current.state, input.to))
      throw new DeploymentTransitionRefused(current.id, current.state, input.to);
    const now = ctx.clock.now();
    const [moved] = await ctx.db
      .update(deployments)
      .set({
        state: input.to,
        reason: input.reason,
        updatedAt: now,
        ...(input.url ? { url: input.url } : {}),
      })
      .where(
        and(
          eq(deployments.tenantId, ctx.tenantId),
          eq(deployments.id, current.id),
          eq(deployments.state, current.state),
        ),
      )
      .returning();
    if (!moved) continue;
    await appendEvent(ctx, moved.id, moved.state, input.reason, now);
    return moved;
  }
  throw new Conflict(`Deployment ${input.deploymentId} kept changing; try again`);
}

/** A timeline line that explains an action without changing the deployment's state. */
export async function noteDeployment(ctx: Scope, deployment: DeploymentRow, reason: string): Promise<void> {
  await appendEvent(ctx, deployment.id, deployment.state, reason, ctx.clock.now());
}

/** The command that carries the deployment out; its progress and result move the deployment on. */
export async function attachDeployCommand(
  ctx: Scope,
  deploymentId: string,
  commandId: string,
): Promise<void> {
  await ctx.db
    .update(deployments)
    .set({ commandId })
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, deploymentId)));
}

/** The runner reaches the app at another address now; the state stays as it is. */
export async function recordDeploymentUrl(ctx: Scope, deploymentId: string, url: string): Promise<void> {
  await ctx.db
    .update(deployments)
    .set({ url })
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, deploymentId)));
}

async function findDeployment(ctx: Scope, deploymentId: string): Promise<DeploymentRow> {
  const [row] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, deploymentId)))
    .limit(1);
  if (!row) throw new NotFound(`Deployment ${deploymentId}`);
  return row;
}

async function appendEvent(
  ctx: Scope,
  deploymentId: string,
  state: DeploymentState,
  reason: string,
  at: Date,
) {
  await ctx.db.insert(deploymentEvents).values({ tenantId: ctx.tenantId, deploymentId, at, state, reason });
}
