import { type Role, roleAtLeast } from '@cameleer/shared';
import { and, asc, eq } from 'drizzle-orm';
import { findOrCreateUser } from '../db/queries/identity.ts';
import { members, users } from '../db/schema/index.ts';
import { Conflict, Forbidden, NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';

export async function listMembers({ ctx }: { ctx: TenantContext }) {
  return ctx.db
    .select({ member: members, user: users })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.tenantId, ctx.tenantId))
    .orderBy(asc(members.id));
}

/** Only an owner grants or takes away ownership; anyone else manages roles up to their own. */
function assertMayAssign(ctx: TenantContext, role: Role) {
  const actorRole = ctx.actor.role;
  if (actorRole === 'platform-admin' || actorRole === 'system') return;
  if (!roleAtLeast(actorRole, role)) throw new Forbidden(`A ${actorRole} cannot assign the role ${role}`);
}

export async function addMember({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { issuer: string; subject: string; email?: string; name?: string; role: Role };
}) {
  assertMayAssign(ctx, input.role);
  const user = await findOrCreateUser(ctx.db, input);
  const [row] = await ctx.db
    .insert(members)
    .values({ tenantId: ctx.tenantId, userId: user.id, role: input.role })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new Conflict('This user is already a member of the tenant');
  await recordAudit(ctx, {
    action: 'member.add',
    targetType: 'member',
    targetId: row.id,
    status: 201,
    detail: { userId: user.id, role: row.role },
  });
  return { member: row, user };
}

async function getMember(ctx: TenantContext, memberId: string) {
  const [row] = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.tenantId, ctx.tenantId), eq(members.id, memberId)))
    .limit(1);
  if (!row) throw new NotFound(`Member ${memberId}`);
  return row;
}

async function assertNotLastOwner(ctx: TenantContext, memberId: string) {
  const owners = await ctx.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.tenantId, ctx.tenantId), eq(members.role, 'owner')));
  if (owners.length === 1 && owners[0]?.id === memberId) {
    throw new Conflict('A tenant keeps at least one owner');
  }
}

export async function updateMember({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { memberId: string; role: Role };
}) {
  const current = await getMember(ctx, input.memberId);
  assertMayAssign(ctx, current.role);
  assertMayAssign(ctx, input.role);
  if (current.role === 'owner' && input.role !== 'owner') await assertNotLastOwner(ctx, current.id);
  const [row] = await ctx.db
    .update(members)
    .set({ role: input.role, updatedAt: ctx.clock.now() })
    .where(and(eq(members.tenantId, ctx.tenantId), eq(members.id, current.id)))
    .returning();
  if (!row) throw new NotFound(`Member ${input.memberId}`);
  await recordAudit(ctx, {
    action: 'member.update',
    targetType: 'member',
    targetId: row.id,
    detail: { from: current.role, to: row.role },
  });
  const [user] = await ctx.db.select().from(users).where(eq(users.id, row.userId));
  if (!user) throw new NotFound(`User ${row.userId}`);
  return { member: row, user };
}

export async function removeMember({ ctx, input }: { ctx: TenantContext; input: { memberId: string } }) {
  const current = await getMember(ctx, input.memberId);
  assertMayAssign(ctx, current.role);
  if (current.role === 'owner') await assertNotLastOwner(ctx, current.id);
  await ctx.db.delete(members).where(and(eq(members.tenantId, ctx.tenantId), eq(members.id, current.id)));
  await recordAudit(ctx, {
    action: 'member.remove',
    targetType: 'member',
    targetId: current.id,
    status: 204,
  });
}
