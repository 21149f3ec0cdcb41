import { Paper, Text, Title } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TelemetryFilters } from './filters/TelemetryFilters.tsx';
import { useTelemetryFilters } from './filters/use-telemetry-filters.ts';
import { quiet } from './format.ts';
import { EdgeTable } from './topology/EdgeTable.tsx';
import { TopologyGraph } from './topology/TopologyGraph.tsx';
import { useTopology } from './topology/use-topology.ts';

export function TopologyPage() {
  const filters = useTelemetryFilters();
  const topology = useTopology(filters);
  return (
    <>
      <PageHeader
        title="Topology"
        description={
          <Text span inherit c={quiet}>
            Camel routes and the endpoints they consume from and call, with traffic per edge.
          </Text>
        }
      />
      <TelemetryFilters filters={filters} />
      <QueryState
        query={topology}
        isEmpty={(t) => t.edges.length === 0}
        empty="No Camel traffic in this time range: routes appear once an app's exchanges are traced."
      >
        {(data) => (
          <>
            <Paper withBorder mb="md">
              <TopologyGraph topology={data} />
            </Paper>
            <Title order={2} size="h4" mb="xs">
              Edges
            </Title>
            <EdgeTable edges={data.edges} />
          </>
        )}
      </QueryState>
    </>
  );
}
