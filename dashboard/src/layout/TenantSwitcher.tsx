import { lazy, Suspense } from 'react';
import { useTenant } from '../session/tenant.ts';
import { useTenants } from '../session/use-me.ts';

// Select and its combobox are loaded only for the few who belong to several tenants.
const TenantSelect = lazy(() => import('./TenantSelect.tsx').then((m) => ({ default: m.TenantSelect })));

/** For members of several tenants: switch without signing in again. */
export function TenantSwitcher() {
  const scope = useTenant();
  const tenants = useTenants();
  const items = tenants.data?.items ?? [];
  if (items.length < 2) return null;
  return (
    <Suspense fallback={<div style={{ width: 160 }} />}>
      <TenantSelect current={scope.slug} tenants={items} />
    </Suspense>
  );
}
