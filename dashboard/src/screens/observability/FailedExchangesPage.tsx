import { Text } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { FailedExchangeTable } from './failed-exchanges/FailedExchangeTable.tsx';
import { useFailedExchanges } from './failed-exchanges/use-failed-exchanges.ts';
import { TelemetryFilters } from './filters/TelemetryFilters.tsx';
import { useTelemetryFilters } from './filters/use-telemetry-filters.ts';
import { quiet } from './format.ts';

export function FailedExchangesPage() {
  const filters = useTelemetryFilters();
  const exchanges = useFailedExchanges(filters);
  return (
    <>
      <PageHeader
        title="Failed exchanges"
        description={
          <Text span inherit c={quiet}>
            Exchanges that failed, newest first (at most 100), with headers and body as the app masked them.
            Open one to see it or replay it.
          </Text>
        }
      />
      <TelemetryFilters filters={filters} />
      <QueryState
        query={exchanges}
        isEmpty={(items) => items.length === 0}
        empty="No exchange failed in this time range."
      >
        {(items) => <FailedExchangeTable items={items} />}
      </QueryState>
    </>
  );
}
