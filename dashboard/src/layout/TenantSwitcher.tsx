import { Select } from '@mantine/core';
import { useNavigate } from 'react-router';
import { useTenant } from '../session/tenant.ts';
import { useTenants } from '../session/use-me.ts';

/** For members of several tenants: switch without signing in again. */
export function TenantSwitcher() {
  const scope = useTenant();
  const tenants = useTenants();
  const navigate = useNavigate();
  const items = tenants.data?.items ?? [];
  if (items.length < 2) return null;
  return (
    <Select
      aria-label="Tenant"
      size="xs"
      w={160}
      value={scope.slug}
      data={items.map((t) => ({ value: t.slug, label: t.name }))}
      onChange={(slug) => slug && navigate(`/t/${slug}`)}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
