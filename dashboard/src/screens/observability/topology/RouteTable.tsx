import { Table, Text } from '@mantine/core';
import { formatMs, formatPercent } from '../format.ts';
import { ErrorMark } from '../traces/ErrorMark.tsx';
import { routeName } from './edge-label.ts';
import type { TopologyNode } from './use-topology.ts';

type RouteNode = Extract<TopologyNode, { type: 'route' }>;

/** Every route with traffic, also those that call no endpoint, with its exchanges where they are known. */
export function RouteTable({ nodes }: { nodes: TopologyNode[] }) {
  const routes = nodes.filter((n): n is RouteNode => n.type === 'route');
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped aria-label="Topology routes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Route</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th ta="right">Exchanges</Table.Th>
            <Table.Th ta="right">Error rate</Table.Th>
            <Table.Th ta="right">p50</Table.Th>
            <Table.Th ta="right">p99</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {routes.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td style={{ wordBreak: 'break-all' }}>
                {routeName(r)} ({r.app}, {r.environment})
              </Table.Td>
              <Table.Td style={{ wordBreak: 'break-all' }}>{r.uri ?? '—'}</Table.Td>
              <Table.Td ta="right">{r.exchanges ?? '—'}</Table.Td>
              <Table.Td ta="right">
                {(r.failures ?? 0) > 0 ? (
                  <ErrorMark label={`${formatPercent(r.errorRate ?? 0)} (${r.failures})`} />
                ) : (
                  <Text size="sm">{r.exchanges === undefined ? '—' : formatPercent(0)}</Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{r.p50Ms === undefined ? '—' : formatMs(r.p50Ms)}</Table.Td>
              <Table.Td ta="right">{r.p99Ms === undefined ? '—' : formatMs(r.p99Ms)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
