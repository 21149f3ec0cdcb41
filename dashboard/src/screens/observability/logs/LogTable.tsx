import { Anchor, Code, Table, Text, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import type { components } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { formatTime, quiet, tracePath } from '../format.ts';
import { LogLevelBadge } from './LogLevelBadge.tsx';

type LogRecord = components['schemas']['LogRecord'];

/** Log records, newest first; the instance is the deployment that wrote the line. */
export function LogTable({ items }: { items: LogRecord[] }) {
  const { slug } = useTenant();
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing={4} fz="sm" aria-label="Log records">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Level</Table.Th>
            <Table.Th>App</Table.Th>
            <Table.Th>Instance</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th>Trace</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((log) => (
            <Table.Tr key={`${log.time}-${log.deploymentId}-${log.spanId}-${log.body.slice(0, 80)}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatTime(log.time)}</Table.Td>
              <Table.Td>
                <LogLevelBadge level={log.level} />
              </Table.Td>
              <Table.Td>
                {log.app}
                <Text span c={quiet} size="xs">
                  {' '}
                  ({log.environment})
                </Text>
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/t/${slug}/deployments/${log.deploymentId}`} size="sm">
                  {log.attributes['service.instance.id'] ?? log.deploymentId}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Code block={false} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {log.body}
                </Code>
              </Table.Td>
              <Table.Td>
                {log.traceId ? (
                  <Anchor component={Link} to={tracePath(slug, log.traceId)} size="sm" ff="monospace">
                    {log.traceId.slice(0, 8)}
                    <VisuallyHidden component="span">{log.traceId.slice(8)}</VisuallyHidden>
                    <span aria-hidden>…</span>
                  </Anchor>
                ) : (
                  '—'
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
