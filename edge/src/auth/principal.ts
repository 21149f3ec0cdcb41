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

/**
 * Why a credential that was sent proves nothing. Only what its holder can learn
 * anyway: an unknown token and a wrong secret are both `invalid`, and `expired`
 * is said only of a signature that verifies.
 */
export type CredentialRejection = 'malformed' | 'expired' | 'revoked' | 'invalid';

/** What one credential proves: a principal, or why not. */
export type CredentialCheck =
  | { principal: Principal; rejection?: undefined }
  | { principal: null; rejection: CredentialRejection };

const rejected = (rejection: CredentialRejection): CredentialCheck => ({ principal: null, rejection });

export type PrincipalDeps = {
  db: Db;
  clock: Clock;
  sessionKeys: readonly SigningKey[];
  oidc?: OidcVerifier;
};

/**
 * Resolves a raw bearer token or session cookie value to a principal, or to why
 * it proves nothing. Throws only when the answer is unknowable (database or key
 * set unreachable), so an outage is never mistaken for, or cached as, a bad credential.
 */
export async function resolvePrincipal(deps: PrincipalDeps, token: string): Promise<CredentialCheck> {
  try {
    if (token.split('.').length === 3) return await fromJwt(deps, token);
    return await fromApiToken(deps, token);
  } catch (err) {
    // jose checks the signature before the claims: a JWTExpired token was signed by a key we trust.
    if (err instanceof errors.JWTExpired) return rejected('expired');
    if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) return rejected('invalid');
    throw err;
  }
}

async function fromApiToken(deps: PrincipalDeps, secret: string): Promise<CredentialCheck> {
  if (secret.length < 16 || secret.length > 512) return rejected('malformed');
  const row = await findApiTokenByHash(deps.db, await sha256Hex(secret));
  const now = deps.clock.now().getTime();
  // Found by the hash of the whole secret: only its holder learns that it was revoked or expired.
  if (!row) return rejected('invalid');
  if (row.revokedAt) return rejected('revoked');
  if (row.expiresAt && row.expiresAt.getTime() <= now) return rejected('expired');
  const principal: Principal = {
    actorType: 'api-token',
    id: row.id,
    name: row.name,
    platformAdmin: row.platformAdmin,
    memberships: new Map([[row.tenantId, row.role]]),
    expiresAt: row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
  };
  return { principal };
}

async function fromJwt(deps: PrincipalDeps, token: string): Promise<CredentialCheck> {
  const header = safeHeader(token);
  if (!header) return rejected('malformed');
  const now = deps.clock.now();
  if (header.typ === tokenKinds.session.typ) {
    const claims = await verifyProductToken('session', deps.sessionKeys, token, { now });
    const user = await findUser(deps.db, claims.sub);
    if (!user) return rejected('invalid');
    const principal: Principal = {
      actorType: 'user',
      id: user.id,
      name: user.name ?? user.email ?? user.subject,
      platformAdmin: user.platformAdmin,
      memberships: await findMemberships(deps.db, user.id),
      expiresAt: (claims.exp ?? 0) * 1000,
    };
    return { principal };
  }
  if (!deps.oidc) return rejected('invalid');
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
  const principal: Principal = {
    actorType: 'user',
    id: user.id,
    name: user.name ?? identity.email ?? identity.subject,
    platformAdmin: user.platformAdmin,
    memberships,
    expiresAt: identity.expiresAt,
  };
  return { principal };
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
