import { and, eq } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import { type Db, withTenant } from '../db/client.ts';
import { deployments, tenants, usageEvents } from '../db/schema/index.ts';
import type { TenantContext } from './context.ts';

type Scope = Pick<TenantContext, 'db' | 'tenantId'>;

export const usageCodes = {
  deployment: 'deployments',
  runner: 'runners',
  appHour: 'app_hours',
} as const;

/**
 * Records one usage event in Lago's shape. The tenant is both customer and
 * subscription until subscriptions exist; `transactionId` makes a repeat a no-op.
 * True when this call recorded it, false when it was there already.
 */
export async function recordUsage(
  ctx: Scope,
  event: { transactionId: string; code: string; at: Date; properties?: Record<string, unknown> },
): Promise<boolean> {
  const inserted = await ctx.db
    .insert(usageEvents)
    .values({
      tenantId: ctx.tenantId,
      transactionId: event.transactionId,
      externalCustomerId: ctx.tenantId,
      externalSubscriptionId: ctx.tenantId,
      code: event.code,
      timestamp: event.at,
      properties: event.properties ?? {},
    })
    .onConflictDoNothing({ target: usageEvents.transactionId })
    .returning({ id: usageEvents.id });
  return inserted.length > 0;
}

/**
 * One `app_hours` event per RUNNING deployment per clock hour in which a sweep
 * saw it running. A sweep every few minutes counts every such hour once; an
 * hour the edge was down is not counted (honest, not exact). Returns the
 * events this call recorded: sweeps running at once share them, never double them.
 */
export async function recordAppHours(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  const all = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.status, 'active'));
  let recorded = 0;
  for (const { id: tenantId } of all) {
    recorded += await withTenant(db, tenantId, async (tx) => {
      const running = await tx
        .select({ id: deployments.id, appId: deployments.appId, environmentId: deployments.environmentId })
        .from(deployments)
        .where(and(eq(deployments.tenantId, tenantId), eq(deployments.state, 'RUNNING')));
      let inserted = 0;
      for (const d of running) {
        const recordedNow = await recordUsage(
          { db: tx, tenantId },
          {
            transactionId: `app-hour:${d.id}:${hour.toISOString()}`,
            code: usageCodes.appHour,
            at: hour,
            properties: { deployment_id: d.id, app_id: d.appId, environment_id: d.environmentId, hours: 1 },
          },
        );
        if (recordedNow) inserted += 1;
      }
      return inserted;
    });
  }
  return recorded;
}
