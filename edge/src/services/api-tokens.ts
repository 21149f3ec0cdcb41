import { type Role, roleAtLeast } from '@cameleer/shared';
import { and, desc, eq } from 'drizzle-orm';
import { newApiTokenSecret } from '../auth/api-token-secret.ts';
import { apiTokens } from '../db/schema/index.ts';
import { Forbidden, NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';

export async function listApiTokens({ ctx }: { ctx: TenantContext }) {
  return ctx.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tenantId, ctx.tenantId))
    .orderBy(desc(apiTokens.id));
}

/** Creates a token and returns its secret, once; only the hash is kept. A token never outranks its creator. */
export async function createApiToken({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { name: string; role: Role; expiresInDays?: number };
}) {
  if (
    ctx.actor.role !== 'platform-admin' &&
    ctx.actor.role !== 'system' &&
    !roleAtLeast(ctx.actor.role, input.role)
  ) {
    throw new Forbidden(`A ${ctx.actor.role} cannot create a token with the role ${input.role}`);
  }
  const secret = await newApiTokenSecret();
  const expiresAt = input.expiresInDays
    ? new Date(ctx.clock.now().getTime() + input.expiresInDays * 86_400_000)
    : null;
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      tenantId: ctx.tenantId,
      name: input.name,
      tokenHash: secret.hash,
      hint: secret.hint,
      role: input.role,
      createdBy: ctx.actor.id,
      expiresAt,
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, {
    action: 'api-token.create',
    targetType: 'api-token',
    targetId: row.id,
    status: 201,
    detail: { role: row.role },
  });
  return { row, secret: secret.secret };
}

export async function revokeApiToken({ ctx, input }: { ctx: TenantContext; input: { tokenId: string } }) {
  const [row] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(apiTokens.tenantId, ctx.tenantId), eq(apiTokens.id, input.tokenId)))
    .returning();
  if (!row) throw new NotFound(`API token ${input.tokenId}`);
  await recordAudit(ctx, {
    action: 'api-token.revoke',
    targetType: 'api-token',
    targetId: row.id,
    status: 204,
  });
}
