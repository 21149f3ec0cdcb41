import { Table, Text } from '@mantine/core';
import { formatMs, formatPercent, quiet } from '../format.ts';
import { ErrorMark } from '../traces/ErrorMark.tsx';
import type { RouteMetrics } from './use-route-metrics.ts';

/** Each route's totals over the range. */
export function RouteTotals({ routes }: { routes: RouteMetrics[] }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped aria-label="Route totals">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Route</Table.Th>
            <Table.Th>App</Table.Th>
            <Table.Th ta="right">Exchanges</Table.Th>
            <Table.Th ta="right">Failures</Table.Th>
            <Table.Th ta="right">p50</Table.Th>
            <Table.Th ta="right">p99</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {routes.map((r) => (
            <Table.Tr key={`${r.environment}/${r.app}/${r.routeId}`}>
              <Table.Td>{r.routeId}</Table.Td>
              <Table.Td>
                {r.app}
                <Text span size="xs" c={quiet}>
                  {' '}
                  ({r.environment})
                </Text>
              </Table.Td>
              <Table.Td ta="right">{r.exchanges}</Table.Td>
              <Table.Td ta="right">
                {r.failures > 0 ? (
                  <ErrorMark label={`${r.failures} (${formatPercent(r.errorRate)})`} />
                ) : (
                  <Text size="sm">0</Text>
                )}
              </Table.Td>
              <Table.Td ta="right">{formatMs(r.p50Ms)}</Table.Td>
              <Table.Td ta="right">{formatMs(r.p99Ms)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
