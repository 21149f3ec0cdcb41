import { Stack, Text, TextInput, Title } from '@mantine/core';
import { lazy, Suspense, useMemo } from 'react';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/PageLoader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TelemetryFilters } from './filters/TelemetryFilters.tsx';
import { rangeMs } from './filters/time-range.ts';
import { useTelemetryFilters } from './filters/use-telemetry-filters.ts';
import { quiet } from './format.ts';
import { ProcessorTimes } from './metrics/ProcessorTimes.tsx';
import { RouteTotals } from './metrics/RouteTotals.tsx';
import { useRouteMetrics } from './metrics/use-route-metrics.ts';

// uPlot is loaded in its own chunk: the totals show while it arrives.
const RouteCharts = lazy(() => import('./metrics/RouteCharts.tsx').then((m) => ({ default: m.RouteCharts })));

export function RouteMetricsPage() {
  const filters = useTelemetryFilters();
  const metrics = useRouteMetrics(filters);
  const to = Math.floor((metrics.dataUpdatedAt || Date.now()) / 1000);
  const xRange = useMemo<[number, number]>(
    () => [to - rangeMs(filters.range) / 1000, to],
    [to, filters.range],
  );
  return (
    <>
      <PageHeader
        title="Route metrics"
        description={
          <Text span inherit c={quiet}>
            Exchanges, failures and latency of each Camel route, in total and per minute.
          </Text>
        }
      />
      <TelemetryFilters filters={filters}>
        <TextInput
          label="Route id"
          placeholder="All"
          defaultValue={filters.get('route')}
          onBlur={(e) => filters.update({ route: e.currentTarget.value.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') filters.update({ route: e.currentTarget.value.trim() || undefined });
          }}
          w={160}
        />
      </TelemetryFilters>
      <QueryState
        query={metrics}
        isEmpty={(items) => items.length === 0}
        empty="No Camel exchanges in this time range: routes appear once an app's exchanges are traced."
      >
        {(routes) => (
          <Stack gap="md">
            <Title order={2} size="h4">
              Totals
            </Title>
            <RouteTotals routes={routes} />
            <ProcessorTimes routes={routes} />
            <Suspense fallback={<PageLoader />}>
              {routes.map((route) => (
                <RouteCharts
                  key={`${route.environment}/${route.app}/${route.routeId}`}
                  route={route}
                  xRange={xRange}
                />
              ))}
            </Suspense>
          </Stack>
        )}
      </QueryState>
    </>
  );
}
