import { Table, Text } from '@mantine/core';
import { formatMs, formatPercent } from '../format.ts';
import { ErrorMark } from '../traces/ErrorMark.tsx';
import { routeName } from './edge-label.ts';
import type { TopologyEdge, TopologyNode } from './use-topology.ts';

/** The graph's edges as rows: what a screen reader reads and a phone shows without panning. */
export function EdgeTable({ edges, nodes }: { edges: TopologyEdge[]; nodes: TopologyNode[] }) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const name = (id: string, fallback: string) => {
    const node = byId.get(id);
    if (!node) return fallback;
    return node.type === 'route' ? `route ${routeName(node)} (${node.app}, ${node.environment})` : node.uri;
  };
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped aria-label="Topology edges">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>From</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th ta="right">Calls</Table.Th>
            <Table.Th ta="right">Error rate</Table.Th>
            <Table.Th ta="right">p50</Table.Th>
            <Table.Th ta="right">p99</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {edges.map((e) => {
            return (
              <Table.Tr key={`${e.environment}/${e.app}/${e.from}->${e.to}`}>
                <Table.Td style={{ wordBreak: 'break-all' }}>{name(e.from, e.endpoint)}</Table.Td>
                <Table.Td style={{ wordBreak: 'break-all' }}>{name(e.to, e.endpoint)}</Table.Td>
                <Table.Td ta="right">{e.calls}</Table.Td>
                <Table.Td ta="right">
                  {e.failures > 0 ? (
                    <ErrorMark label={`${formatPercent(e.errorRate)} (${e.failures})`} />
                  ) : (
                    <Text size="sm">{formatPercent(0)}</Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">{formatMs(e.p50Ms)}</Table.Td>
                <Table.Td ta="right">{formatMs(e.p99Ms)}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
