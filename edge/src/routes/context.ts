import type { Context } from 'hono';
import { withTenant } from '../db/client.ts';
import type { HonoEnv } from '../env.ts';
import { Unauthenticated } from '../errors.ts';
import { type Actor, committing, type TenantContext } from '../services/context.ts';
import type { PlatformContext } from '../services/tenants.ts';

function actorOf(c: Context<HonoEnv>): Actor & { userId?: string } {
  const principal = c.get('principal');
  if (!principal) throw new Unauthenticated();
  const tenant = c.get('tenant');
  const role = tenant ? principal.memberships.get(tenant.id) : undefined;
  return {
    type: principal.actorType,
    id: principal.id,
    role: role ?? (principal.platformAdmin ? 'platform-admin' : 'viewer'),
    ...(principal.actorType === 'user' ? { userId: principal.id } : {}),
  };
}

/** Runs a service operation in a transaction scoped (in SQL and by RLS) to the route's tenant. */
export function inTenant<T>(c: Context<HonoEnv>, fn: (ctx: TenantContext) => Promise<T>): Promise<T> {
  const tenant = c.get('tenant');
  if (!tenant) throw new Error('inTenant outside a tenant route');
  const { db, clock } = c.get('services');
  const actor = actorOf(c);
  return committing(
    (run) => withTenant(db, tenant.id, run),
    (tx, afterCommit) =>
      fn({ db: tx, tenantId: tenant.id, actor, clock, requestId: c.get('requestId'), afterCommit }),
  );
}

export function platformContext(c: Context<HonoEnv>): PlatformContext {
  const { db, clock } = c.get('services');
  return { db, actor: actorOf(c), clock, requestId: c.get('requestId') };
}

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
