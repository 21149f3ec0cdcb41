import {
  defaultTier,
  type Tier,
  type TierName,
  tierHasEnvironment,
  tiers,
  upgradeFrom,
} from '@cameleer/shared';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import { type Db, withTenant } from '../db/client.ts';
import { findOrCreateUser } from '../db/queries/identity.ts';
import { findActiveTenant } from '../db/queries/tenants.ts';
import { environments, members, tenants } from '../db/schema/index.ts';
import { Conflict, InvalidRequest, LimitExceeded, NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { Actor, TenantContext } from './context.ts';

/** Platform operations are not scoped to one tenant; each still audits into the tenant it touches. */
export type PlatformContext = { db: Db; actor: Actor & { userId?: string }; clock: Clock; requestId: string };

export async function listTenants({ ctx, input }: { ctx: PlatformContext; input: { ids?: string[] } }) {
  const where = input.ids
    ? and(eq(tenants.status, 'active'), inArray(tenants.id, input.ids.length ? input.ids : ['']))
    : eq(tenants.status, 'active');
  return ctx.db.select().from(tenants).where(where).orderBy(asc(tenants.slug));
}

export async function getTenant({
  ctx,
  input,
}: {
  ctx: Pick<PlatformContext, 'db'>;
  input: { tenant: string };
}) {
  const row = await findActiveTenant(ctx.db, input.tenant);
  if (!row) throw new NotFound(`Tenant ${input.tenant}`);
  return row;
}

export type CreateTenantInput = {
  slug: string;
  name: string;
  /** Default: `defaultTier`. */
  tier?: TierName;
  /** Default: the tier's standard environments. */
  environments?: string[];
  oidcOrganizationId?: string;
  owner?: { issuer: string; subject: string; email?: string };
};

/** A tenant of a tier with environments that fit it and an owner, in one transaction. */
export async function createTenant({ ctx, input }: { ctx: PlatformContext; input: CreateTenantInput }) {
  const tier = tiers[input.tier ?? defaultTier];
  const names = input.environments ?? [...tier.environments];
  assertEnvironmentsFit(tier, names);
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, input.slug));
    if (taken) throw new Conflict(`The tenant slug ${input.slug} is taken`);
    const [tenant] = await tx
      .insert(tenants)
      .values({
        slug: input.slug,
        name: input.name,
        tier: tier.name,
        oidcOrganizationId: input.oidcOrganizationId,
      })
      .returning();
    if (!tenant) throw new Error('insert returned nothing');
    const ownerId = input.owner ? (await findOrCreateUser(tx, input.owner)).id : ctx.actor.userId;
    await withTenant(tx, tenant.id, async (db) => {
      if (names.length)
        await db.insert(environments).values(names.map((name) => ({ tenantId: tenant.id, name })));
      if (ownerId) await db.insert(members).values({ tenantId: tenant.id, userId: ownerId, role: 'owner' });
      await recordAudit(tenantContext(ctx, db, tenant.id), {
        action: 'tenant.create',
        targetType: 'tenant',
        targetId: tenant.id,
        status: 201,
        detail: { slug: tenant.slug, tier: tier.name, environments: names, ownerId },
      });
    });
    return tenant;
  });
}

function assertEnvironmentsFit(tier: Tier, names: readonly string[]): void {
  if (new Set(names).size !== names.length) throw new InvalidRequest('The environments list repeats a name');
  const limit = (allowed: number | string, detail: string) =>
    new LimitExceeded({
      limit: 'environments',
      tier: tier.name,
      allowed,
      upgradeTo: upgradeFrom(tier.name),
      detail,
    });
  const foreign = names.filter((name) => !tierHasEnvironment(tier, name));
  if (foreign.length) {
    throw limit(
      tier.environments.join(', '),
      `The environments ${foreign.join(', ')} are not part of this tier (it has ${tier.environments.join(', ')})`,
    );
  }
  if (names.length > tier.limits.environments) {
    throw limit(
      tier.limits.environments,
      `${names.length} environments asked for, the tier allows ${tier.limits.environments}`,
    );
  }
}

export async function updateTenant({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { name?: string; oidcOrganizationId?: string | null };
}) {
  const [row] = await ctx.db
    .update(tenants)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.oidcOrganizationId !== undefined ? { oidcOrganizationId: input.oidcOrganizationId } : {}),
      updatedAt: ctx.clock.now(),
    })
    .where(and(eq(tenants.id, ctx.tenantId), eq(tenants.status, 'active')))
    .returning();
  if (!row) throw new NotFound('Tenant');
  await recordAudit(ctx, { action: 'tenant.update', targetType: 'tenant', targetId: row.id, detail: input });
  return row;
}

/** Soft delete: the tenant disappears from every route at once; its rows stay for the retention period. */
export async function deleteTenant({ ctx, input }: { ctx: PlatformContext; input: { tenant: string } }) {
  const current = await getTenant({ ctx, input });
  await withTenant(ctx.db, current.id, async (db) => {
    await db
      .update(tenants)
      .set({ status: 'deleted', deletedAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
      .where(eq(tenants.id, current.id));
    await recordAudit(tenantContext(ctx, db, current.id), {
      action: 'tenant.delete',
      targetType: 'tenant',
      targetId: current.id,
      status: 204,
    });
  });
}

function tenantContext(ctx: PlatformContext, db: Db, tenantId: string): TenantContext {
  return { db, tenantId, actor: ctx.actor, clock: ctx.clock, requestId: ctx.requestId };
}
