import { ReplayResult } from '@cameleer/shared';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { commands, deployments } from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { AppError, Conflict, NotFound } from '../errors.ts';
import { getFailedExchange } from '../telemetry/queries/failed-exchanges.ts';
import { recordAudit } from './audit.ts';
import { createCommand } from './commands.ts';
import type { TenantContext } from './context.ts';
import { tenantSlugOf } from './deployments/queries.ts';

const replayDeadlineSeconds = 120;
const openStates = ['queued', 'sent', 'acked'] as const;

/** A replay of a failed exchange as the console and the CLI show it: the command and what the agent answered. */
export type ReplayView = {
  commandId: string;
  state: string;
  requestedBy: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
  outcome: ReplayResult['outcome'] | null;
  exceptionType: string | null;
  exceptionMessage: string | null;
  error: string | null;
};

/**
 * Asks the runner of the deployment that captured a failed exchange to have its agent replay it: a
 * signed `replay` command whose id is the idempotency key down to the agent. Only the deployment that
 * captured it can replay it (the original is in that app's memory), and one replay of an exchange runs
 * at a time.
 */
export async function replayFailedExchange({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services: Pick<Services, 'tunnel' | 'telemetry'>;
  input: { exchangeId: string };
}) {
  if (!services.telemetry) {
    throw new AppError('unavailable', 'Telemetry is not configured on this edge (no ClickHouse)');
  }
  const exchange = await getFailedExchange(services.telemetry, ctx.tenantId, input);
  if (!exchange) throw new NotFound(`Failed exchange ${input.exchangeId}`);
  const [deployment] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, exchange.deploymentId)))
    .limit(1);
  if (deployment?.state !== 'RUNNING') {
    throw new Conflict(
      'The deployment that captured this exchange no longer runs; only its app holds the original to replay',
    );
  }
  // Two replays asked at once: the second waits here, then sees the first one open.
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`replay:${input.exchangeId}`}))`);
  const [open] = await replayCommands(ctx, [input.exchangeId], [...openStates]);
  if (open) throw new Conflict(`A replay of this exchange is already under way (command ${open.id})`);
  const command = await createCommand({
    ctx,
    services,
    input: {
      runnerId: deployment.runnerId,
      kind: 'replay',
      deadlineSeconds: replayDeadlineSeconds,
      payload: {
        ref: { tenant: await tenantSlugOf(ctx), environment: exchange.environment, app: exchange.app },
        deploymentId: deployment.id,
        exchangeId: input.exchangeId,
      },
    },
  });
  await recordAudit(ctx, {
    action: 'failed-exchange.replay',
    targetType: 'failed-exchange',
    targetId: input.exchangeId,
    status: 202,
    detail: {
      commandId: command.id,
      app: exchange.app,
      environment: exchange.environment,
      route: exchange.routeId,
    },
  });
  return command;
}

/** The replays of these exchanges, newest first, by exchange id. */
export async function replaysOf(
  ctx: Pick<TenantContext, 'db' | 'tenantId'>,
  exchangeIds: string[],
): Promise<Map<string, ReplayView[]>> {
  const byExchange = new Map<string, ReplayView[]>();
  if (exchangeIds.length === 0) return byExchange;
  for (const row of await replayCommands(ctx, exchangeIds)) {
    const exchangeId = String(row.payload.exchangeId);
    const result = ReplayResult.safeParse(row.output);
    const view: ReplayView = {
      commandId: row.id,
      state: row.state,
      requestedBy: row.createdBy,
      requestedAt: row.createdAt,
      finishedAt: row.finishedAt,
      outcome: result.success ? result.data.outcome : null,
      exceptionType: result.success ? (result.data.exceptionType ?? null) : null,
      exceptionMessage: result.success ? (result.data.exceptionMessage ?? null) : null,
      error: row.error,
    };
    byExchange.set(exchangeId, [...(byExchange.get(exchangeId) ?? []), view]);
  }
  return byExchange;
}

function replayCommands(
  ctx: Pick<TenantContext, 'db' | 'tenantId'>,
  exchangeIds: string[],
  states?: Array<(typeof commands.$inferSelect)['state']>,
) {
  return ctx.db
    .select()
    .from(commands)
    .where(
      and(
        eq(commands.tenantId, ctx.tenantId),
        eq(commands.kind, 'replay'),
        inArray(sql<string>`${commands.payload}->>'exchangeId'`, exchangeIds),
        states ? inArray(commands.state, states) : undefined,
      ),
    )
    .orderBy(desc(commands.createdAt));
}
