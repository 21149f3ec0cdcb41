import { and, desc, eq, lt } from 'drizzle-orm';
import { auditLog } from '../db/schema/index.ts';
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
