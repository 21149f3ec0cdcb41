import { createContext, useContext } from 'react';
import type { components } from '../api/client.ts';

export type Tenant = components['schemas']['Tenant'];
export type Role = components['schemas']['Me']['memberships'][number]['role'];

/** The tenant a page acts in, the caller's role there and what that role may do (as /api/me says). */
export type TenantScope = {
  slug: string;
  tenant: Tenant;
  role: Role | 'platform-admin';
  can(permission: string): boolean;
};

export const TenantContext = createContext<TenantScope | undefined>(undefined);

export function useTenant(): TenantScope {
  const scope = useContext(TenantContext);
  if (!scope) throw new Error('useTenant outside a tenant page');
  return scope;
}

/** The reason shown beside an action the role may not take. */
export function refusalOf(scope: TenantScope, permission: string): string | undefined {
  return scope.can(permission)
    ? undefined
    : `Your role (${scope.role}) may not do this: it needs ${permission}`;
}
