import type { Context } from 'hono';
import { findTenantByOrganization } from '../../db/queries/identity.ts';
import type { HonoEnv } from '../../env.ts';
import { Conflict } from '../../errors.ts';

/**
 * An organization maps onto one tenant (a unique column): say so plainly rather
 * than with the generic unique-violation conflict. The other tenant is not named.
 */
export async function assertOrganizationFree(c: Context<HonoEnv>, organizationId: string | null | undefined) {
  if (!organizationId) return;
  const holder = await findTenantByOrganization(c.get('services').db, organizationId);
  if (holder && holder.id !== c.get('tenant')?.id) {
    throw new Conflict(
      `The OIDC organization ${organizationId} is mapped onto another tenant; unmap it there first (cameleer tenants set-oidc-org --clear)`,
    );
  }
}
