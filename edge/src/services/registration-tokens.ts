import { registrationTokenPrefix } from '@cameleer/shared';
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { randomBase64Url, sha256Hex } from '../auth/hash.ts';
import { environments, registrationTokens } from '../db/schema/index.ts';
import { InvalidRequest } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';
import { assertRoomFor } from './limits.ts';

export const registrationTokenTtlMinutes = 60;

/**
 * A one-time token a runner trades for its identity. Short-lived, single use,
 * scoped to the tenant and the environments the runner will serve (all when empty).
 */
export async function createRegistrationToken({
  ctx,
  input,
}: {
  ctx: TenantContext;
  input: { environments: string[]; ttlMinutes?: number };
}) {
  await assertRoomFor(ctx, 'runners');
  if (input.environments.length) {
    const known = await ctx.db
      .select({ name: environments.name })
      .from(environments)
      .where(and(eq(environments.tenantId, ctx.tenantId), inArray(environments.name, input.environments)));
    const missing = input.environments.filter((e) => !known.some((k) => k.name === e));
    if (missing.length) {
      throw new InvalidRequest(`Unknown environments: ${missing.join(', ')}`, [
        { path: 'environments', message: `unknown: ${missing.join(', ')}` },
      ]);
    }
  }
  const secret = `${registrationTokenPrefix}${randomBase64Url(32)}`;
  const expiresAt = new Date(
    ctx.clock.now().getTime() + (input.ttlMinutes ?? registrationTokenTtlMinutes) * 60_000,
  );
  const [row] = await ctx.db
    .insert(registrationTokens)
    .values({
      tenantId: ctx.tenantId,
      tokenHash: await sha256Hex(secret),
      environments: input.environments,
      createdBy: ctx.actor.id,
      expiresAt,
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, {
    action: 'runner-token.create',
    targetType: 'runner-token',
    targetId: row.id,
    status: 201,
    detail: { environments: input.environments, expiresAt: expiresAt.toISOString() },
  });
  return { token: secret, expiresAt, environments: input.environments };
}

/** Marks the token used for `runnerId`; false when it is unknown, used or expired. Atomic. */
export async function consumeRegistrationToken(
  ctx: Pick<TenantContext, 'db' | 'tenantId' | 'clock'>,
  tokenId: string,
  runnerId: string,
): Promise<boolean> {
  const now = ctx.clock.now();
  const used = await ctx.db
    .update(registrationTokens)
    .set({ usedAt: now, runnerId })
    .where(
      and(
        eq(registrationTokens.tenantId, ctx.tenantId),
        eq(registrationTokens.id, tokenId),
        isNull(registrationTokens.usedAt),
        gt(registrationTokens.expiresAt, now),
      ),
    )
    .returning({ id: registrationTokens.id });
  return used.length === 1;
}
