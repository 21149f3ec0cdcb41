import { Button, Group, Select, Text } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TelemetryFilters } from './filters/TelemetryFilters.tsx';
import { useCursorPages } from './filters/use-cursor-pages.ts';
import { useTelemetryFilters } from './filters/use-telemetry-filters.ts';
import { quiet } from './format.ts';
import { LogTable } from './logs/LogTable.tsx';
import { SearchField } from './logs/SearchField.tsx';
import { logLevels, useLogSearch } from './logs/use-log-search.ts';

export function LogsPage() {
  const filters = useTelemetryFilters();
  const pages = useCursorPages(
    JSON.stringify([filters.scope, filters.range, filters.get('q'), filters.get('level')]),
  );
  const logs = useLogSearch(filters, pages.cursor);
  return (
    <>
      <PageHeader
        title="Logs"
        description={
          <Text span inherit c={quiet}>
            What your apps wrote (stdout, stderr and OpenTelemetry logs), newest first.
          </Text>
        }
      />
      <TelemetryFilters filters={filters}>
        <SearchField label="Search" value={filters.get('q')} onSearch={(q) => filters.update({ q })} />
        <Select
          label="Level"
          placeholder="Any"
          data={logLevels.map((l) => ({ value: l, label: `${l} and above` }))}
          value={filters.get('level') || null}
          onChange={(level) => filters.update({ level: level ?? undefined })}
          clearable
          w={170}
        />
      </TelemetryFilters>
      <QueryState
        query={logs}
        isEmpty={(d) => d.items.length === 0}
        empty="No log records match these filters in this time range."
      >
        {(data) => (
          <>
            <LogTable items={data.items} />
            <Group justify="space-between" mt="md">
              <Text size="sm" c={quiet} role="status">
                Page {pages.page}, {data.items.length} records
              </Text>
              <Group gap="xs">
                <Button variant="default" disabled={pages.page === 1} onClick={pages.newer}>
                  Newer
                </Button>
                <Button
                  variant="default"
                  disabled={data.next === null}
                  onClick={() => data.next && pages.older(data.next)}
                >
                  Older
                </Button>
              </Group>
            </Group>
          </>
        )}
      </QueryState>
    </>
  );
}
