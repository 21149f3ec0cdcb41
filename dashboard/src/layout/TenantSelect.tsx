import { Select } from '@mantine/core';
import { useNavigate } from 'react-router';

/** The tenant switcher's list (TenantSwitcher.tsx loads it when there is a choice). */
export function TenantSelect({
  current,
  tenants,
}: {
  current: string;
  tenants: { slug: string; name: string }[];
}) {
  const navigate = useNavigate();
  return (
    <Select
      aria-label="Tenant"
      size="xs"
      w={160}
      value={current}
      data={tenants.map((t) => ({ value: t.slug, label: t.name }))}
      onChange={(slug) => slug && navigate(`/t/${slug}`)}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
