import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { QueryState } from '../components/QueryState.tsx';
import { TenantContext, type TenantScope } from './tenant.ts';
import { useMe, useTenants } from './use-me.ts';

/** Resolves the tenant of the URL against the caller's memberships; a tenant they cannot see reads as not found. */
export function TenantScopeProvider({ slug, children }: { slug: string; children: ReactNode }) {
  const me = useMe();
  const tenants = useTenants();
  const scope = useMemo((): TenantScope | undefined => {
    const tenant = tenants.data?.items.find((t) => t.slug === slug);
    if (!tenant || !me.data) return undefined;
    const membership = me.data.memberships.find((m) => m.tenantId === tenant.id);
    const held = new Set(membership?.permissions ?? []);
    const admin = me.data.platformAdmin;
    return {
      slug,
      tenant,
      role: membership?.role ?? (admin ? 'platform-admin' : 'viewer'),
      can: (permission) => admin || held.has(permission),
    };
  }, [slug, me.data, tenants.data]);
  return (
    <QueryState
      query={tenants}
      isEmpty={() => !scope}
      empty={`There is no tenant "${slug}" you are a member of.`}
    >
      {() => <TenantContext.Provider value={scope}>{children}</TenantContext.Provider>}
    </QueryState>
  );
}
