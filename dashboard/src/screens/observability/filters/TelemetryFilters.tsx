import { Group, SegmentedControl, Select, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTenant } from '../../../session/tenant.ts';
import { useApps, useEnvironments } from '../../apps/apps-queries.ts';
import { timeRanges } from './time-range.ts';
import type { TelemetryFilters as Filters } from './use-telemetry-filters.ts';

/** Environment, app and time range, shared by every observability screen; `children` are the screen's own. */
export function TelemetryFilters({ filters, children }: { filters: Filters; children?: ReactNode }) {
  const { slug } = useTenant();
  const environments = useEnvironments(slug);
  const apps = useApps(slug);
  const names = (items?: { name: string }[]) => (items ?? []).map((i) => i.name);
  return (
    <Group align="flex-end" mb="md" gap="sm" wrap="wrap" role="search" aria-label="Filters">
      <Select
        label="Environment"
        placeholder="All"
        data={withCurrent(names(environments.data), filters.environment)}
        value={filters.environment || null}
        onChange={(value) => filters.update({ environment: value ?? undefined })}
        clearable
        w={160}
      />
      <Select
        label="App"
        placeholder="All"
        data={withCurrent(names(apps.data), filters.app)}
        value={filters.app || null}
        onChange={(value) => filters.update({ app: value ?? undefined })}
        clearable
        searchable
        w={180}
      />
      <div>
        <Text size="sm" fw={500} mb={2} aria-hidden>
          Last
        </Text>
        <SegmentedControl
          aria-label="Time range: the last"
          data={timeRanges.map(({ value, label }) => ({ value, label }))}
          value={filters.range}
          onChange={(range) => filters.update({ range })}
        />
      </div>
      {children}
    </Group>
  );
}

/** A name from a shared link stays selectable while the lists load (or after the app was removed). */
function withCurrent(names: string[], current: string): string[] {
  return current && !names.includes(current) ? [current, ...names] : names;
}
