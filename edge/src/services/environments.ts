import { and, asc, eq, or } from 'drizzle-orm';
import { environments } from '../db/schema/index.ts';
import { NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';
import { assertEnvironmentAllowed, assertRoomFor } from './limits.ts';

export async function listEnvironments({ ctx }: { ctx: TenantContext }) {
  return ctx.db
    .select()
    .from(environments)
    .where(eq(environments.tenantId, ctx.tenantId))
    .orderBy(asc(environments.id));
}

/** An environment named by id or name. */
export async function getEnvironment({ ctx, input }: { ctx: TenantContext; input: { environment: string } }) {
  const [row] = await ctx.db
    .select()
    .from(environments)
    .where(
      and(
        eq(environments.tenantId, ctx.tenantId),
        or(eq(environments.id, input.environment), eq(environments.name, input.environment)),
      ),
    )
    .limit(1);
  if (!row) throw new NotFound(`Environment ${input.environment}`);
  return row;
}

export async function createEnvironment({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { name: string; description?: string };
}) {
  await assertEnvironmentAllowed(ctx, input.name);
  await assertRoomFor(ctx, 'environments');
  const [row] = await ctx.db
    .insert(environments)
    .values({ tenantId: ctx.tenantId, name: input.name, description: input.description ?? '' })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, {
    action: 'environment.create',
    targetType: 'environment',
    targetId: row.id,
    status: 201,
  });
  return row;
}

export async function updateEnvironment({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { environment: string; description?: string };
}) {
  const current = await getEnvironment({ ctx, input });
  const [row] = await ctx.db
    .update(environments)
    .set({ description: input.description ?? current.description, updatedAt: ctx.clock.now() })
    .where(and(eq(environments.tenantId, ctx.tenantId), eq(environments.id, current.id)))
    .returning();
  if (!row) throw new NotFound(`Environment ${input.environment}`);
  await recordAudit(ctx, { action: 'environment.update', targetType: 'environment', targetId: row.id });
  return row;
}

export async function deleteEnvironment({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { environment: string };
}) {
  const current = await getEnvironment({ ctx, input });
  await ctx.db
    .delete(environments)
    .where(and(eq(environments.tenantId, ctx.tenantId), eq(environments.id, current.id)));
  await recordAudit(ctx, {
    action: 'environment.delete',
    targetType: 'environment',
    targetId: current.id,
    status: 204,
    detail: { name: current.name },
  });
}
