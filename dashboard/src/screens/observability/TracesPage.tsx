import { Switch, Text } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TelemetryFilters } from './filters/TelemetryFilters.tsx';
import { useTelemetryFilters } from './filters/use-telemetry-filters.ts';
import { quiet } from './format.ts';
import { MinDurationField } from './traces/MinDurationField.tsx';
import { TraceTable } from './traces/TraceTable.tsx';
import { useTraces } from './traces/use-traces.ts';

export function TracesPage() {
  const filters = useTelemetryFilters();
  const traces = useTraces(filters);
  return (
    <>
      <PageHeader
        title="Traces"
        description={
          <Text span inherit c={quiet}>
            One row per request or exchange, newest first (at most 100). Open one to see its spans.
          </Text>
        }
      />
      <TelemetryFilters filters={filters}>
        <MinDurationField value={filters.get('min') || ''} onChange={(min) => filters.update({ min })} />
        <Switch
          label="Errors only"
          checked={filters.get('errors') === '1'}
          onChange={(e) => filters.update({ errors: e.currentTarget.checked ? '1' : undefined })}
          mb={8}
        />
      </TelemetryFilters>
      <QueryState
        query={traces}
        isEmpty={(items) => items.length === 0}
        empty="No traces match these filters in this time range."
      >
        {(items) => <TraceTable items={items} />}
      </QueryState>
    </>
  );
}
