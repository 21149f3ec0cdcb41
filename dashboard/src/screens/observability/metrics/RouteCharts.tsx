import { Paper, SimpleGrid, Title } from '@mantine/core';
import { useMemo } from 'react';
import { type ChartSeries, UPlotChart } from './UPlotChart.tsx';
import type { RouteMetrics } from './use-route-metrics.ts';

const colours = { exchanges: '#1c7ed6', failures: '#e03131', p50: '#2f9e44', p99: '#e8590c' };

/** Per route: exchanges and failures per minute, and p50/p99 latency per minute. (Its own chunk: uPlot.) */
export function RouteCharts({ route, xRange }: { route: RouteMetrics; xRange: [number, number] }) {
  const { times, traffic, latency } = useMemo(() => {
    const s = route.series;
    const traffic: ChartSeries[] = [
      { label: 'Exchanges', colour: colours.exchanges, values: s.map((p) => p.exchanges) },
      { label: 'Failures', colour: colours.failures, dash: [6, 4], values: s.map((p) => p.failures) },
    ];
    const latency: ChartSeries[] = [
      { label: 'p50', colour: colours.p50, values: s.map((p) => p.p50Ms) },
      { label: 'p99', colour: colours.p99, dash: [6, 4], values: s.map((p) => p.p99Ms) },
    ];
    return { times: s.map((p) => Date.parse(p.minute) / 1000), traffic, latency };
  }, [route]);
  const name = `${route.routeId} (${route.app}, ${route.environment})`;
  return (
    <Paper withBorder p="sm" component="section" aria-label={`Route ${name}`}>
      <Title order={2} size="h5" mb="xs">
        Route {name}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <UPlotChart
          label={`Exchanges and failures per minute of route ${route.routeId}`}
          times={times}
          series={traffic}
          unit="/min"
          xRange={xRange}
        />
        <UPlotChart
          label={`p50 and p99 latency per minute of route ${route.routeId}`}
          times={times}
          series={latency}
          unit="ms"
          xRange={xRange}
        />
      </SimpleGrid>
    </Paper>
  );
}
