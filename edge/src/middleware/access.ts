import { type Permission, roleHolds } from '@cameleer/shared';
import { createMiddleware } from 'hono/factory';
import { findActiveTenant } from '../db/queries/tenants.ts';
import type { HonoEnv } from '../env.ts';
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
    const { db } = c.get('services');
    const tenant = await findActiveTenant(db, c.req.param('tenant') ?? '');
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
        const tenant = await findActiveTenant(c.get('services').db, named);
        if (!tenant || !principal.memberships.has(tenant.id)) throw new NotFound('Tenant');
      }
      throw new Forbidden('This needs platform administrator rights');
    }
    await next();
  });
}

export const signedIn = createMiddleware<HonoEnv>(async (c, next) => {
  if (!c.get('principal')) throw unauthenticated(c);
  await next();
});
