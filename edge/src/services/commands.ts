import { type CommandKind, type CommandPayload, commandContracts } from '@cameleer/shared';
import { and, asc, desc, eq, gt, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import { type Db, withTenant } from '../db/client.ts';
import { auditLog, type CommandRow, commandEvents, commands, runners, tenants } from '../db/schema/index.ts';
import type { Services } from '../env.ts';
import { AppError, Conflict, NotFound } from '../errors.ts';
import type { CommandOutcome } from '../tunnel/hub.ts';
import { auditSelection } from './audit.ts';
import { afterCommit, type TenantContext } from './context.ts';
import { getRunner } from './runners.ts';

export const defaultCommandDeadlineSeconds = 600;
const finalStates = ['succeeded', 'failed'] as const;
const openStates = ['queued', 'sent', 'acked'] as const;

type RunnerScope = Pick<TenantContext, 'db' | 'tenantId' | 'clock'>;

/** A command's payload does not match its kind's contract (`@cameleer/shared`); nothing was stored. */
export class InvalidCommandPayload extends AppError {
  constructor(kind: CommandKind, issues: Array<{ path: string; message: string }>) {
    super('invalid-request', `The payload of a ${kind} command is not valid`, issues);
    this.name = 'InvalidCommandPayload';
  }
}

/**
 * Stores a command before anything is sent; the next `seq` of its runner keeps the order. The
 * payload must match its kind's contract. The runner is told once the transaction committed.
 */
export async function createCommand<K extends CommandKind>({
  ctx,
  services,
  input,
}: {
  ctx: TenantContext;
  services?: Pick<Services, 'tunnel'>;
  input: { runnerId: string; kind: K; payload: CommandPayload<K>; deadlineSeconds?: number };
}): Promise<CommandRow> {
  const runner = await lockRunner(ctx, input.runnerId);
  if (runner.revokedAt) throw new Conflict('This runner is revoked; register a new one');
  // After the runner is known: naming another tenant's runner is a 404, whatever the payload.
  const parsed = commandContracts[input.kind].payload.safeParse(input.payload);
  if (!parsed.success) {
    throw new InvalidCommandPayload(
      input.kind,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const now = ctx.clock.now();
  // The next seq is read inside the insert: its snapshot is taken after the lock was granted, so it
  // sees every command committed before; the unique (runner, seq) index is the backstop.
  const inserted = ctx.db.$with('inserted').as(
    ctx.db
      .insert(commands)
      .values({
        tenantId: ctx.tenantId,
        runnerId: runner.id,
        seq: sql`(select coalesce(max(${commands.seq}), 0) + 1 from ${commands} where ${and(
          eq(commands.tenantId, ctx.tenantId),
          eq(commands.runnerId, runner.id),
        )})`,
        kind: input.kind,
        // As sent, not as parsed: defaults are the runner's to fill in.
        payload: input.payload as Record<string, unknown>,
        createdBy: ctx.actor.id,
        createdAt: now,
        deadline: new Date(now.getTime() + (input.deadlineSeconds ?? defaultCommandDeadlineSeconds) * 1000),
      })
      .returning(),
  );
  // The audit entry is written by the same statement, from the inserted row (its id and seq).
  const audited = ctx.db.$with('audited').as(
    ctx.db
      .insert(auditLog)
      .select(
        ctx.db
          .select(
            auditSelection(ctx, {
              action: 'command.create',
              targetType: 'command',
              targetId: sql`${inserted.id}`,
              status: 202,
              detail: sql`jsonb_build_object('runnerId', ${inserted.runnerId}, 'kind', ${inserted.kind}, 'seq', ${inserted.seq})`,
            }),
          )
          .from(inserted),
      )
      .returning({ id: auditLog.id }),
  );
  const [row] = await ctx.db.with(inserted, audited).select().from(inserted);
  if (!row) throw new Error('insert returned nothing');
  const tunnel = services?.tunnel;
  if (tunnel) afterCommit(ctx, () => tunnel.notify(runner.id));
  return row;
}

/**
 * The runner a command is for, with its advisory lock taken in the same statement: one command at
 * a time per runner gets the next seq, until this transaction ends. A 404 for another tenant's runner.
 */
async function lockRunner(ctx: Pick<TenantContext, 'db' | 'tenantId'>, runnerId: string) {
  const [row] = await ctx.db
    .select({
      id: runners.id,
      revokedAt: runners.revokedAt,
      locked: sql`pg_advisory_xact_lock(hashtext(${runners.id}))`,
    })
    .from(runners)
    .where(and(eq(runners.tenantId, ctx.tenantId), eq(runners.id, runnerId)))
    .limit(1);
  if (!row) throw new NotFound(`Runner ${runnerId}`);
  return row;
}

export async function listCommands({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { runnerId: string; limit: number };
}) {
  await getRunner({ ctx, input });
  return ctx.db
    .select()
    .from(commands)
    .where(and(eq(commands.tenantId, ctx.tenantId), eq(commands.runnerId, input.runnerId)))
    .orderBy(desc(commands.seq))
    .limit(input.limit);
}

export async function getCommand({ ctx, input }: { ctx: TenantContext; input: { commandId: string } }) {
  const [row] = await ctx.db
    .select()
    .from(commands)
    .where(and(eq(commands.tenantId, ctx.tenantId), eq(commands.id, input.commandId)))
    .limit(1);
  if (!row) throw new NotFound(`Command ${input.commandId}`);
  const events = await ctx.db
    .select({ at: commandEvents.at, message: commandEvents.message })
    .from(commandEvents)
    .where(and(eq(commandEvents.tenantId, ctx.tenantId), eq(commandEvents.commandId, row.id)))
    .orderBy(asc(commandEvents.id));
  return { ...row, events };
}

/** Commands a runner has not finished, in order: all of them are (re)sent on connect. */
export async function openCommands(ctx: RunnerScope, runnerId: string, afterSeq = 0) {
  return ctx.db
    .select()
    .from(commands)
    .where(
      and(
        eq(commands.tenantId, ctx.tenantId),
        eq(commands.runnerId, runnerId),
        inArray(commands.state, [...openStates]),
        sql`${commands.seq} > ${afterSeq}`,
      ),
    )
    .orderBy(asc(commands.seq));
}

export async function markSent(ctx: RunnerScope, runnerId: string, commandIds: string[]) {
  if (!commandIds.length) return;
  await ctx.db
    .update(commands)
    .set({ state: 'sent', sentAt: ctx.clock.now() })
    .where(
      and(
        eq(commands.tenantId, ctx.tenantId),
        eq(commands.runnerId, runnerId),
        inArray(commands.id, commandIds),
        eq(commands.state, 'queued'),
      ),
    );
}

export async function markAcked(ctx: RunnerScope, runnerId: string, commandId: string) {
  await ctx.db
    .update(commands)
    .set({ state: 'acked', ackedAt: ctx.clock.now() })
    .where(
      and(
        eq(commands.tenantId, ctx.tenantId),
        eq(commands.runnerId, runnerId),
        eq(commands.id, commandId),
        inArray(commands.state, ['queued', 'sent']),
      ),
    );
}

export async function addProgress(ctx: RunnerScope, runnerId: string, commandId: string, message: string) {
  const [open] = await ctx.db
    .select({ id: commands.id })
    .from(commands)
    .where(
      and(
        eq(commands.tenantId, ctx.tenantId),
        eq(commands.runnerId, runnerId),
        eq(commands.id, commandId),
        inArray(commands.state, [...openStates]),
      ),
    );
  if (!open) return;
  await ctx.db
    .insert(commandEvents)
    .values({ tenantId: ctx.tenantId, commandId, message, at: ctx.clock.now() });
}

/** Stores the final result once and returns the command; a repeated or late result changes nothing (undefined). */
export async function completeCommand(
  ctx: RunnerScope,
  runnerId: string,
  result: { commandId: string; status: 'succeeded' | 'failed'; output?: unknown; error?: string },
): Promise<{ id: string; kind: string; payload: Record<string, unknown> } | undefined> {
  const done = await ctx.db
    .update(commands)
    .set({
      state: result.status,
      finishedAt: ctx.clock.now(),
      output: result.output ?? null,
      error: result.error ?? null,
    })
    .where(
      and(
        eq(commands.tenantId, ctx.tenantId),
        eq(commands.runnerId, runnerId),
        eq(commands.id, result.commandId),
        notInArray(commands.state, [...finalStates]),
      ),
    )
    .returning({ id: commands.id, kind: commands.kind, payload: commands.payload });
  return done[0];
}

const deadlineReason = 'No result before the deadline; the runner was offline or did not answer';

/**
 * Fails every command whose deadline passed without a result, tenant by tenant,
 * telling `onExpired` about each (a deployment fails with it). Returns how many.
 */
export async function expireOverdueCommands(
  db: Db,
  clock: Clock,
  onExpired?: (ctx: RunnerScope, commandId: string, reason: string) => Promise<void>,
): Promise<number> {
  const now = clock.now();
  const all = await db.select({ id: tenants.id }).from(tenants);
  let expired = 0;
  for (const { id: tenantId } of all) {
    const rows = await withTenant(db, tenantId, async (tx) => {
      const overdue = await tx
        .update(commands)
        .set({ state: 'failed', finishedAt: now, error: deadlineReason })
        .where(
          and(
            eq(commands.tenantId, tenantId),
            inArray(commands.state, [...openStates]),
            lt(commands.deadline, now),
          ),
        )
        .returning({ id: commands.id });
      for (const { id } of overdue) await onExpired?.({ db: tx, tenantId, clock }, id, deadlineReason);
      return overdue;
    });
    expired += rows.length;
  }
  return expired;
}

/**
 * A command's final outcome: heard from the hub the moment its result is recorded, read from the
 * database when it finished before the wait began (or elsewhere). Undefined when `timeoutMs` passes first.
 */
export async function awaitCommandResult(
  services: Pick<Services, 'db' | 'tunnel'>,
  command: { tenantId: string; id: string },
  timeoutMs: number,
): Promise<CommandOutcome | undefined> {
  const abort = new AbortController();
  // Listening before reading: a result recorded in between is heard, not missed.
  const heard = services.tunnel?.awaitResult(command.id, {
    tenantId: command.tenantId,
    signal: abort.signal,
    timeoutMs,
  });
  try {
    const stored = await storedCommandOutcome(services.db, command);
    if (stored || !heard) return stored;
    return (await heard) ?? (await storedCommandOutcome(services.db, command));
  } finally {
    abort.abort();
  }
}

/** A command's final outcome as stored; undefined while it is open. */
export async function storedCommandOutcome(
  db: Db,
  command: { tenantId: string; id: string },
): Promise<CommandOutcome | undefined> {
  const [row] = await withTenant(db, command.tenantId, (tx) =>
    tx
      .select()
      .from(commands)
      .where(and(eq(commands.tenantId, command.tenantId), eq(commands.id, command.id)))
      .limit(1),
  );
  if (!row) throw new NotFound(`Command ${command.id}`);
  if (row.state !== 'succeeded' && row.state !== 'failed') return undefined;
  const outcome: CommandOutcome = { commandId: row.id, status: row.state, output: row.output ?? undefined };
  return row.error === null ? outcome : { ...outcome, error: row.error };
}

/** A command's state and the progress messages stored after `afterId` (all when absent), oldest first. */
export async function commandEventsSince(db: Db, tenantId: string, commandId: string, afterId?: string) {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ state: commands.state, error: commands.error })
      .from(commands)
      .where(and(eq(commands.tenantId, tenantId), eq(commands.id, commandId)))
      .limit(1);
    const events = await tx
      .select({ id: commandEvents.id, message: commandEvents.message })
      .from(commandEvents)
      .where(
        and(
          eq(commandEvents.tenantId, tenantId),
          eq(commandEvents.commandId, commandId),
          ...(afterId ? [gt(commandEvents.id, afterId)] : []),
        ),
      )
      .orderBy(asc(commandEvents.id));
    return { state: row?.state, error: row?.error ?? null, events };
  });
}
