import { Table } from '@mantine/core';
import { formatMs } from '../format.ts';
import type { RouteMetrics } from './use-route-metrics.ts';

type Timed = RouteMetrics & { processors: NonNullable<RouteMetrics['processors']> };

/** Time per processor of the routes whose app traces processors (camel-opentelemetry2's traceProcessors). */
export function ProcessorTimes({ routes }: { routes: RouteMetrics[] }) {
  const timed = routes.filter((r): r is Timed => (r.processors?.length ?? 0) > 0);
  if (timed.length === 0) return null;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped aria-label="Time per processor">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Route</Table.Th>
            <Table.Th>Processor</Table.Th>
            <Table.Th ta="right">Calls</Table.Th>
            <Table.Th ta="right">Total</Table.Th>
            <Table.Th ta="right">p50</Table.Th>
            <Table.Th ta="right">p99</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {timed.flatMap((r) =>
            r.processors.map((p) => (
              <Table.Tr key={`${r.environment}/${r.app}/${r.routeId}/${p.processor}`}>
                <Table.Td>{r.routeId}</Table.Td>
                <Table.Td>{p.processor}</Table.Td>
                <Table.Td ta="right">{p.calls}</Table.Td>
                <Table.Td ta="right">{formatMs(p.totalMs)}</Table.Td>
                <Table.Td ta="right">{formatMs(p.p50Ms)}</Table.Td>
                <Table.Td ta="right">{formatMs(p.p99Ms)}</Table.Td>
              </Table.Tr>
            )),
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
