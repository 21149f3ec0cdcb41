import type { SigningKey } from '@cameleer/shared';
import { type Role, tokenKinds, verifyProductToken } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import { decodeProtectedHeader, errors } from 'jose';
import type { Clock } from '../clock.ts';
import { type Db, withTenant } from '../db/client.ts';
import {
  findApiTokenByHash,
  findMemberships,
  findOrCreateUser,
  findTenantByOrganization,
  findUser,
} from '../db/queries/identity.ts';
import { members } from '../db/schema/index.ts';
import { sha256Hex } from './hash.ts';
import type { OidcVerifier } from './oidc.ts';

/** Who is calling, resolved from one credential. */
export type Principal = {
  actorType: 'user' | 'api-token';
  id: string;
  name: string;
  platformAdmin: boolean;
  /** tenant id → role in it */
  memberships: ReadonlyMap<string, Role>;
  /** When the credential stops being valid (ms since epoch). */
  expiresAt: number;
};

export type PrincipalDeps = {
  db: Db;
  clock: Clock;
  sessionKeys: readonly SigningKey[];
  oidc?: OidcVerifier;
};

/**
 * Resolves a raw bearer token or session cookie value; `null` when it proves
 * nothing. Throws only when the answer is unknowable (database or key set
 * unreachable), so an outage is never mistaken for, or cached as, a bad credential.
 */
export async function resolvePrincipal(deps: PrincipalDeps, token: string): Promise<Principal | null> {
  try {
    if (token.split('.').length === 3) return await fromJwt(deps, token);
    return await fromApiToken(deps, token);
  } catch (err) {
    if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) return null;
    throw err;
  }
}

async function fromApiToken(deps: PrincipalDeps, secret: string): Promise<Principal | null> {
  if (secret.length < 16 || secret.length > 512) return null;
  const row = await findApiTokenByHash(deps.db, await sha256Hex(secret));
  const now = deps.clock.now().getTime();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
  return {
    actorType: 'api-token',
    id: row.id,
    name: row.name,
    platformAdmin: row.platformAdmin,
    memberships: new Map([[row.tenantId, row.role]]),
    expiresAt: row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
  };
}

async function fromJwt(deps: PrincipalDeps, token: string): Promise<Principal | null> {
  const header = safeHeader(token);
  if (!header) return null;
  const now = deps.clock.now();
  if (header.typ === tokenKinds.session.typ) {
    const claims = await verifyProductToken('session', deps.sessionKeys, token, { now });
    const user = await findUser(deps.db, claims.sub);
    if (!user) return null;
    return {
      actorType: 'user',
      id: user.id,
      name: user.name ?? user.email ?? user.subject,
      platformAdmin: user.platformAdmin,
      memberships: await findMemberships(deps.db, user.id),
      expiresAt: (claims.exp ?? 0) * 1000,
    };
  }
  if (!deps.oidc) return null;
  const identity = await deps.oidc(token, now);
  const user = await findOrCreateUser(deps.db, identity);
  const memberships = new Map<string, Role>();
  const tenant = identity.organizationId
    ? await findTenantByOrganization(deps.db, identity.organizationId)
    : undefined;
  if (tenant) {
    const role = (await memberRole(deps.db, tenant.id, user.id)) ?? highestRole(identity.roles);
    if (role) memberships.set(tenant.id, role);
  }
  return {
    actorType: 'user',
    id: user.id,
    name: user.name ?? identity.email ?? identity.subject,
    platformAdmin: user.platformAdmin,
    memberships,
    expiresAt: identity.expiresAt,
  };
}

function safeHeader(token: string) {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

async function memberRole(db: Db, tenantId: string, userId: string): Promise<Role | undefined> {
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ role: members.role })
      .from(members)
      .where(and(eq(members.tenantId, tenantId), eq(members.userId, userId)))
      .limit(1);
    return row?.role;
  });
}

function highestRole(claimed: string[]): Role | undefined {
  const order: Role[] = ['owner', 'admin', 'developer', 'viewer'];
  return order.find((r) => claimed.includes(r) || claimed.includes(`cameleer:${r}`));
}
