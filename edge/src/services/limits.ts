import { type TierName, tierHasEnvironment, tierNames, tiers, upgradeFrom } from '@cameleer/shared';
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import { apps, environments, runners, tenants } from '../db/schema/index.ts';
import { LimitExceeded, NotFound } from '../errors.ts';
import type { TenantContext } from './context.ts';

type Scope = Pick<TenantContext, 'db' | 'tenantId'>;
type CountedLimit = 'apps' | 'runners' | 'environments';

export async function tenantTier(ctx: Scope) {
  const [row] = await ctx.db.select({ tier: tenants.tier }).from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!row) throw new NotFound('Tenant');
  return tiers[row.tier];
}

/**
 * Serialises the tenant's limit checks until the transaction ends, so that
 * parallel creations cannot all see the last free slot. An advisory lock
 * rather than `FOR UPDATE` on the tenant row: it blocks nothing else.
 */
async function lockTenantLimits(ctx: Scope): Promise<void> {
  await ctx.db.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`cameleer:limits:${ctx.tenantId}`}, 0))`,
  );
}

async function used(ctx: Scope, limit: CountedLimit): Promise<number> {
  const table = { apps, runners, environments }[limit];
  const where =
    limit === 'runners'
      ? and(eq(runners.tenantId, ctx.tenantId), isNull(runners.revokedAt))
      : eq(table.tenantId, ctx.tenantId);
  const [row] = await ctx.db.select({ n: count() }).from(table).where(where);
  return row?.n ?? 0;
}

/** What the tenant uses of each counted limit (revoked runners do not count), beside its tier. */
export async function tenantUsage(ctx: Scope) {
  const tier = await tenantTier(ctx);
  // One after the other: the queries share the request's transaction, which runs one at a time anyway.
  const usage = { apps: await used(ctx, 'apps'), runners: await used(ctx, 'runners'), environments: 0 };
  usage.environments = await used(ctx, 'environments');
  return { tier, usage };
}

function exceeded(tier: TierName, limit: string, allowed: number | string, detail: string) {
  return new LimitExceeded({ limit, tier, allowed, upgradeTo: upgradeFrom(tier), detail });
}

/** Refuses one more app, runner or environment beyond the tier's limit. Call inside the transaction that inserts it. */
export async function assertRoomFor(ctx: Scope, limit: CountedLimit): Promise<void> {
  await lockTenantLimits(ctx);
  const tier = await tenantTier(ctx);
  const allowed = tier.limits[limit];
  const n = await used(ctx, limit);
  if (n >= allowed) {
    throw exceeded(tier.name, limit, allowed, `The tenant has ${n} of ${allowed} ${limit}`);
  }
}

export async function assertEnvironmentAllowed(ctx: Scope, name: string): Promise<void> {
  const tier = await tenantTier(ctx);
  if (!tierHasEnvironment(tier, name)) {
    throw exceeded(
      tier.name,
      'environments',
      tier.environments.join(', '),
      `The environment ${name} is not part of this tier (it has ${tier.environments.join(', ')})`,
    );
  }
}

export async function assertMemoryAllowed(ctx: Scope, memoryMb: number | null | undefined): Promise<void> {
  if (memoryMb === undefined || memoryMb === null) return;
  const tier = await tenantTier(ctx);
  const allowed = tier.limits.memoryMbPerApp;
  if (memoryMb > allowed) {
    throw exceeded(tier.name, 'memoryMbPerApp', allowed, `An app may have at most ${allowed} MB of memory`);
  }
}

/** Refuses what the tenant's tier does not include (`promote`, `secrets`, …: `tiers[…].features`). */
export async function assertFeature(ctx: Scope, feature: string): Promise<void> {
  const tier = await tenantTier(ctx);
  if (tier.features.includes(feature)) return;
  const from = tierNames.find((name) => tiers[name].features.includes(feature));
  throw new LimitExceeded({
    limit: `feature:${feature}`,
    tier: tier.name,
    allowed: 'not included',
    ...(from ? { upgradeTo: from } : {}),
    detail: `The ${tier.name} tier does not include ${feature}`,
  });
}
