import { newId } from '@cameleer/shared';
import { and, desc, eq, lt, type SQL, sql } from 'drizzle-orm';
import { type AuditRow, auditLog } from '../db/schema/index.ts';
import type { TenantContext } from './context.ts';

export type AuditEntry = {
  action: string;
  targetType?: string;
  targetId?: string;
  outcome?: 'success' | 'failure' | 'denied';
  status?: number;
  detail?: Record<string, unknown>;
};

/** Writes one audit entry in the caller's transaction, so it commits or rolls back with the change. */
export async function recordAudit(ctx: TenantContext, entry: AuditEntry): Promise<void> {
  await ctx.db.insert(auditLog).values({
    tenantId: ctx.tenantId,
    at: ctx.clock.now(),
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    outcome: entry.outcome ?? 'success',
    status: entry.status ?? 200,
    requestId: ctx.requestId,
    detail: entry.detail ?? {},
  });
}

/**
 * One audit entry as the selection of an `insert … select`, so it is written by the statement that
 * makes the change (one round trip fewer, same transaction); `targetId` and `detail` may be SQL over
 * that statement's rows.
 */
export function auditSelection(
  ctx: TenantContext,
  entry: Omit<AuditEntry, 'targetId' | 'detail'> & { targetId: SQL; detail: SQL },
) {
  return {
    id: sql<string>`${newId('aud')}`.as('id'),
    tenantId: sql<string>`${ctx.tenantId}`.as('tenant_id'),
    at: sql<Date>`${ctx.clock.now().toISOString()}::timestamptz`.as('at'),
    actorType: sql<AuditRow['actorType']>`${ctx.actor.type}`.as('actor_type'),
    actorId: sql<string>`${ctx.actor.id}`.as('actor_id'),
    action: sql<string>`${entry.action}`.as('action'),
    targetType: sql<string | null>`${entry.targetType ?? null}`.as('target_type'),
    targetId: sql<string | null>`${entry.targetId}`.as('target_id'),
    outcome: sql<AuditRow['outcome']>`${entry.outcome ?? 'success'}`.as('outcome'),
    status: sql<number>`${entry.status ?? 200}::integer`.as('status'),
    requestId: sql<string | null>`${ctx.requestId ?? null}`.as('request_id'),
    detail: sql<Record<string, unknown>>`${entry.detail}`.as('detail'),
  };
}

export async function listAudit({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { limit: number; before?: string; action?: string };
}) {
  const conditions = [eq(auditLog.tenantId, ctx.tenantId)];
  if (input.before) conditions.push(lt(auditLog.id, input.before));
  if (input.action) conditions.push(eq(auditLog.action, input.action));
  return ctx.db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(input.limit);
}
