import {
  defaultLicenceGraceDays,
  newId,
  type SigningKey,
  signProductToken,
  type TierName,
  tiers,
} from '@cameleer/shared';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { type LicenceRow, licences, tenants } from '../db/schema/index.ts';
import type { EdgeSettings } from '../env.ts';
import { AppError, LicenceInvalid, NotFound } from '../errors.ts';
import { recordAudit } from './audit.ts';
import type { TenantContext } from './context.ts';

export const defaultLicenceTtlDays = 365;

export type LicenceState = 'valid' | 'grace' | 'expired' | 'revoked' | 'none';
type Scope = Pick<TenantContext, 'db' | 'tenantId' | 'clock'>;
type LicenceSettings = Pick<EdgeSettings, 'licenceTtlDays' | 'licenceGraceDays'>;

/** The tenant's current licence: the newest issued, revoked or not. */
export async function currentLicence(ctx: Scope): Promise<LicenceRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(licences)
    .where(eq(licences.tenantId, ctx.tenantId))
    .orderBy(desc(licences.issuedAt), desc(licences.id))
    .limit(1);
  return row;
}

export function licenceState(
  row: LicenceRow | undefined,
  now: Date,
  settings: LicenceSettings,
): LicenceState {
  if (!row) return 'none';
  if (row.revokedAt) return 'revoked';
  if (now < row.expiresAt) return 'valid';
  return now < graceEndOf(row, settings) ? 'grace' : 'expired';
}

export const graceEndOf = (row: LicenceRow, settings: LicenceSettings) =>
  new Date(row.expiresAt.getTime() + (settings.licenceGraceDays ?? defaultLicenceGraceDays) * 86_400_000);

/** Signs and stores a licence for the tenant's tier; the previous one stays but is no longer current. */
export async function issueLicence({
  ctx,
  keys,
  settings,
}: {
  ctx: TenantContext;
  keys: readonly SigningKey[] | undefined;
  settings: LicenceSettings;
}): Promise<LicenceRow> {
  const key = keys?.[0];
  if (!key) throw new AppError('unavailable', 'This edge has no licence signing key configured');
  const [tenant] = await ctx.db.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!tenant) throw new NotFound('Tenant');
  const now = ctx.clock.now();
  const ttlSeconds = (settings.licenceTtlDays ?? defaultLicenceTtlDays) * 86_400;
  const id = newId('lic');
  const tier = tiers[tenant.tier];
  const claims = {
    sub: tenant.id,
    jti: id,
    tenant: tenant.slug,
    tier: tier.name,
    features: [...tier.features],
    limits: { ...tier.limits },
    environments: [...tier.environments],
  };
  const token = await signProductToken('licence', key, claims, { now, ttlSeconds });
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const [row] = await ctx.db
    .insert(licences)
    .values({
      id,
      tenantId: tenant.id,
      tier: tier.name,
      token,
      claims: { ...claims, iat: issuedAt.getTime() / 1000, exp: issuedAt.getTime() / 1000 + ttlSeconds },
      kid: key.kid,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + ttlSeconds * 1000),
    })
    .returning();
  if (!row) throw new Error('insert returned nothing');
  await recordAudit(ctx, {
    action: 'licence.issue',
    targetType: 'licence',
    targetId: row.id,
    status: 201,
    detail: { tier: tier.name, kid: key.kid, expiresAt: row.expiresAt.toISOString() },
  });
  return row;
}

/** The current licence, issued on first need for a tenant that has none yet. */
export async function ensureLicence(input: Parameters<typeof issueLicence>[0]): Promise<LicenceRow> {
  return (await currentLicence(input.ctx)) ?? issueLicence(input);
}

export async function revokeLicence({ ctx }: { ctx: TenantContext }): Promise<LicenceRow> {
  const current = await currentLicence(ctx);
  if (!current) throw new NotFound('Licence');
  const [row] = await ctx.db
    .update(licences)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(licences.tenantId, ctx.tenantId), eq(licences.id, current.id), isNull(licences.revokedAt)))
    .returning();
  await recordAudit(ctx, { action: 'licence.revoke', targetType: 'licence', targetId: current.id });
  return row ?? current;
}

/** Moves the tenant to another tier and re-issues its licence to match. */
export async function changeTier({
  ctx,
  keys,
  settings,
  input,
}: {
  ctx: TenantContext;
  keys: readonly SigningKey[] | undefined;
  settings: LicenceSettings;
  input: { tier: TierName };
}) {
  const [row] = await ctx.db
    .update(tenants)
    .set({ tier: input.tier, updatedAt: ctx.clock.now() })
    .where(eq(tenants.id, ctx.tenantId))
    .returning();
  if (!row) throw new NotFound('Tenant');
  await recordAudit(ctx, { action: 'tenant.tier', targetType: 'tenant', targetId: row.id, detail: input });
  return { tenant: row, licence: await issueLicence({ ctx, keys, settings }) };
}

/** New deployments need a licence that is valid or in its grace period; running apps are never touched. */
export async function assertLicenceAllowsDeploy(ctx: Scope, settings: LicenceSettings): Promise<void> {
  const row = await currentLicence(ctx);
  const state = licenceState(row, ctx.clock.now(), settings);
  if (state === 'revoked') {
    throw new LicenceInvalid(
      state,
      "The tenant's licence is revoked; new deployments are refused until a new one is issued",
    );
  }
  if (state === 'expired' && row) {
    throw new LicenceInvalid(
      state,
      `The tenant's licence expired on ${row.expiresAt.toISOString()} and its grace period ended on ${graceEndOf(row, settings).toISOString()}; running apps keep running, new deployments are refused until it is renewed`,
    );
  }
}
