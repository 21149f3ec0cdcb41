import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { components } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { formatMs, formatTime, quiet, tracePath } from '../format.ts';
import { ErrorMark } from './ErrorMark.tsx';

type TraceSummary = components['schemas']['TraceSummary'];

export function TraceTable({ items }: { items: TraceSummary[] }) {
  const { slug } = useTenant();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover aria-label="Traces">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Root span / route</Table.Th>
            <Table.Th>App</Table.Th>
            <Table.Th ta="right">Duration</Table.Th>
            <Table.Th ta="right">Spans</Table.Th>
            <Table.Th>Errors</Table.Th>
            <Table.Th>Started</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <Table.Tr key={t.traceId}>
              <Table.Td>
                <Anchor component={Link} to={tracePath(slug, t.traceId)} size="sm" fw={500}>
                  {t.name}
                </Anchor>
                {t.route && t.route !== t.name && (
                  <Text size="xs" c={quiet}>
                    {t.route}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {t.app}
                <Text span size="xs" c={quiet}>
                  {' '}
                  ({t.environment})
                </Text>
              </Table.Td>
              <Table.Td ta="right">{formatMs(t.durationMs)}</Table.Td>
              <Table.Td ta="right">{t.spanCount}</Table.Td>
              <Table.Td>
                {t.error ? <ErrorMark label={`${t.errorCount} failed`} /> : <Text size="sm">None</Text>}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(t.startTime)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
