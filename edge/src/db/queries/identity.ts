import type { Role } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import { type Db, withLookupKey } from '../client.ts';
import { apiTokens, members, tenants, users } from '../schema/index.ts';

/** Lookups made while authenticating, before any tenant is known; RLS shows only rows the credential unlocks. */

export async function findApiTokenByHash(db: Db, tokenHash: string) {
  return withLookupKey(db, 'app.token_hash', tokenHash, async (tx) => {
    const [row] = await tx.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash)).limit(1);
    return row;
  });
}

export async function findUser(db: Db, userId: string) {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return row;
}

export async function findOrCreateUser(
  db: Db,
  identity: { issuer: string; subject: string; email?: string; name?: string },
) {
  const [existing] = await db
    .select()
    .from(users)
    .where(and(eq(users.issuer, identity.issuer), eq(users.subject, identity.subject)))
    .limit(1);
  if (existing) return existing;
  await db
    .insert(users)
    .values({
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      name: identity.name,
    })
    .onConflictDoNothing();
  const [created] = await db
    .select()
    .from(users)
    .where(and(eq(users.issuer, identity.issuer), eq(users.subject, identity.subject)))
    .limit(1);
  if (!created) throw new Error('user could not be created');
  return created;
}

/** Active tenants the user is a member of, with the role in each. */
export async function findMemberships(db: Db, userId: string): Promise<Map<string, Role>> {
  return withLookupKey(db, 'app.user_id', userId, async (tx) => {
    const rows = await tx
      .select({ tenantId: members.tenantId, role: members.role })
      .from(members)
      .innerJoin(tenants, eq(tenants.id, members.tenantId))
      .where(and(eq(members.userId, userId), eq(tenants.status, 'active')));
    return new Map(rows.map((r) => [r.tenantId, r.role]));
  });
}

export async function findTenantByOrganization(db: Db, organizationId: string) {
  const [row] = await db
    .select()
    .from(tenants)
    .where(and(eq(tenants.oidcOrganizationId, organizationId), eq(tenants.status, 'active')))
    .limit(1);
  return row;
}
