import { and, eq, ne } from 'drizzle-orm';
import { describeApiTokenSecret } from './auth/api-token-secret.ts';
import { issueLoginTicket } from './auth/login-tickets.ts';
import type { Clock } from './clock.ts';
import { type Db, withTenant } from './db/client.ts';
import { findOrCreateUser } from './db/queries/identity.ts';
import { apiTokens, tenants, users } from './db/schema/index.ts';
import { recordAudit } from './services/audit.ts';
import { createTenant } from './services/tenants.ts';

export const defaultTenantSlug = 'default';
const adminTokenName = 'CAMELEER_ADMIN_TOKEN';

/**
 * First start: the local admin (a platform administrator) and the `default`
 * tenant with dev, staging and prod. Every start: the admin token from the
 * environment, and a fresh one-time sign-in link.
 */
export async function bootstrap(
  db: Db,
  clock: Clock,
  opts: { adminToken?: string; publicUrl: string },
): Promise<{ loginUrl: string; tenantId: string }> {
  const admin = await findOrCreateUser(db, { issuer: 'local', subject: 'admin', name: 'Administrator' });
  if (!admin.platformAdmin) await db.update(users).set({ platformAdmin: true }).where(eq(users.id, admin.id));
  const system = { type: 'system' as const, id: 'bootstrap', role: 'system' as const, userId: admin.id };

  let [tenant] = await db.select().from(tenants).where(eq(tenants.slug, defaultTenantSlug)).limit(1);
  if (!tenant) {
    const [any] = await db.select({ id: tenants.id }).from(tenants).limit(1);
    if (!any) {
      tenant = await createTenant({
        ctx: { db, actor: system, clock, requestId: 'bootstrap' },
        input: { slug: defaultTenantSlug, name: 'Default' },
      });
    }
  }
  if (tenant && opts.adminToken) await ensureAdminToken(db, clock, tenant.id, opts.adminToken);

  const ticket = await issueLoginTicket(db, clock, admin.id);
  return { loginUrl: `${opts.publicUrl}/auth/login?ticket=${ticket}`, tenantId: tenant?.id ?? '' };
}

async function ensureAdminToken(db: Db, clock: Clock, tenantId: string, secret: string) {
  const { hash, hint } = await describeApiTokenSecret(secret);
  await withTenant(db, tenantId, async (tx) => {
    const ctx = {
      db: tx,
      tenantId,
      clock,
      requestId: 'bootstrap',
      actor: { type: 'system' as const, id: 'bootstrap', role: 'system' as const },
    };
    const stale = await tx
      .update(apiTokens)
      .set({ revokedAt: clock.now() })
      .where(
        and(
          eq(apiTokens.tenantId, tenantId),
          eq(apiTokens.name, adminTokenName),
          ne(apiTokens.tokenHash, hash),
        ),
      )
      .returning({ id: apiTokens.id });
    for (const { id } of stale)
      await recordAudit(ctx, {
        action: 'api-token.revoke',
        targetType: 'api-token',
        targetId: id,
        detail: { reason: 'CAMELEER_ADMIN_TOKEN changed' },
      });
    const [existing] = await tx
      .update(apiTokens)
      .set({ revokedAt: null, role: 'owner', platformAdmin: true })
      .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.tokenHash, hash)))
      .returning({ id: apiTokens.id });
    if (existing) return;
    const [row] = await tx
      .insert(apiTokens)
      .values({
        tenantId,
        name: adminTokenName,
        tokenHash: hash,
        hint,
        role: 'owner',
        platformAdmin: true,
        createdBy: 'bootstrap',
      })
      .returning({ id: apiTokens.id });
    await recordAudit(ctx, {
      action: 'api-token.create',
      targetType: 'api-token',
      targetId: row?.id,
      status: 201,
      detail: { source: 'environment' },
    });
  });
}
