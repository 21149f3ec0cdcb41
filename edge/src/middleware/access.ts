import { type Permission, roleHolds } from '@cameleer/shared';
import { createMiddleware } from 'hono/factory';
import { findActiveTenant } from '../db/queries/tenants.ts';
import type { TenantRow } from '../db/schema/tenants.ts';
import type { HonoEnv, Services } from '../env.ts';
import { Forbidden, NotFound } from '../errors.ts';
import { unauthenticated } from './authenticate.ts';

/**
 * Resolves `{tenant}` and checks the caller's role in it. A tenant the caller is
 * not a member of answers 404, exactly like one that does not exist.
 */
export function tenantAccess(permission: Permission, auditAction?: string) {
  return createMiddleware<HonoEnv>(async (c, next) => {
    c.set('auditAction', auditAction);
    const principal = c.get('principal');
    if (!principal) throw unauthenticated(c);
    const tenant = await activeTenant(c.get('services'), c.req.param('tenant') ?? '');
    const role = tenant ? principal.memberships.get(tenant.id) : undefined;
    if (!tenant || !role) throw new NotFound('Tenant');
    c.set('tenant', tenant);
    if (!roleHolds(role, permission)) {
      throw new Forbidden(`This needs the permission ${permission}; your role in this tenant is ${role}`);
    }
    await next();
  });
}

export function platformAccess(auditAction?: string) {
  return createMiddleware<HonoEnv>(async (c, next) => {
    c.set('auditAction', auditAction);
    const principal = c.get('principal');
    if (!principal) throw unauthenticated(c);
    if (!principal.platformAdmin) {
      // Naming a tenant you are not a member of looks the same as naming none that exists.
      const named = c.req.param('tenant');
      if (named) {
        const tenant = await activeTenant(c.get('services'), named);
        if (!tenant || !principal.memberships.has(tenant.id)) throw new NotFound('Tenant');
      }
      throw new Forbidden('This needs platform administrator rights');
    }
    await next();
  });
}

/**
 * The active tenant a request names, through the auth cache: kept as long as a principal is
 * (30 s at most), and dropped with it whenever tokens, members or tenants change.
 */
async function activeTenant(services: Services, idOrSlug: string): Promise<TenantRow | undefined> {
  const cached = services.authCache.getTenant(idOrSlug);
  if (cached) return cached;
  const tenant = await findActiveTenant(services.db, idOrSlug);
  if (tenant) services.authCache.setTenant(idOrSlug, tenant);
  return tenant;
}

export const signedIn = createMiddleware<HonoEnv>(async (c, next) => {
  if (!c.get('principal')) throw unauthenticated(c);
  await next();
});
