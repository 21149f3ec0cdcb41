import type { Me, Tenant } from './api-schemas.ts';
import { CliError } from './cli-error.ts';

/** The tenant asked for, if the token can see it; else the token's only membership. */
export function chooseTenant(me: Me, tenants: Tenant[], wanted: string | undefined): Tenant {
  if (wanted) {
    const found = tenants.find((t) => t.slug === wanted);
    if (!found) {
      const known = tenants.map((t) => t.slug).join(', ') || 'none';
      throw new CliError(`This token has no access to tenant "${wanted}" (its tenants: ${known})`);
    }
    return found;
  }
  const only = me.memberships.length === 1 ? me.memberships[0] : undefined;
  const tenant = only && tenants.find((t) => t.id === only.tenantId);
  if (tenant) return tenant;
  if (me.memberships.length <= 1) {
    throw new CliError('This token is a member of no tenant: pass --tenant SLUG');
  }
  const slugs = me.memberships.map((m) => tenants.find((t) => t.id === m.tenantId)?.slug ?? m.tenantId);
  throw new CliError(`This token is a member of several tenants (${slugs.join(', ')}): pass --tenant SLUG`);
}
