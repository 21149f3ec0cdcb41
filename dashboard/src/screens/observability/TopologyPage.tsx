import { Alert, Paper, Text, Title } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { TelemetryFilters } from './filters/TelemetryFilters.tsx';
import { useTelemetryFilters } from './filters/use-telemetry-filters.ts';
import { quiet } from './format.ts';
import { EdgeTable } from './topology/EdgeTable.tsx';
import { RouteTable } from './topology/RouteTable.tsx';
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
        isEmpty={(t) => t.nodes.length === 0}
        empty="No Camel traffic in this time range: routes appear once an app's exchanges are traced."
      >
        {(data) => (
          <>
            {data.notes.map((note) => (
              <Alert key={note} color="yellow" mb="md" title="Not in the data">
                {note}
              </Alert>
            ))}
            <Paper withBorder mb="md">
              <TopologyGraph topology={data} />
            </Paper>
            <Title order={2} size="h4" mb="xs">
              Edges
            </Title>
            <EdgeTable edges={data.edges} nodes={data.nodes} />
            <Title order={2} size="h4" mt="md" mb="xs">
              Routes
            </Title>
            <RouteTable nodes={data.nodes} />
          </>
        )}
      </QueryState>
    </>
  );
}
