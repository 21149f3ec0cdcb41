import { Badge, Button, Code, Group, Select, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type components, unwrap } from '../../api/client.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { formatDate } from './roles.ts';

type AuditEntry = components['schemas']['AuditEntry'];
const outcomeColour = { success: 'teal.9', failure: 'red.9', denied: 'orange.9' } as const;

export function AuditLogPage() {
  const { slug } = useTenant();
  const [action, setAction] = useState('');
  const [limit, setLimit] = useState('50');
  // Cursors of the pages seen so far, so "Newer" can step back without the API going both ways.
  const [cursors, setCursors] = useState<string[]>([]);
  const [debouncedAction] = useDebouncedValue(action.trim(), 300);
  const before = cursors.at(-1);
  const log = useQuery({
    queryKey: ['tenant', slug, 'audit-log', debouncedAction, limit, before],
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{tenant}/audit-log', {
          params: {
            path: { tenant: slug },
            query: {
              limit: Number(limit),
              ...(debouncedAction ? { action: debouncedAction } : {}),
              ...(before ? { before } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title="Audit log" description="Who did what in this tenant, newest first." />
      <Group align="flex-end" mb="md">
        <TextInput
          label="Action"
          placeholder="app.create"
          value={action}
          onChange={(e) => {
            setAction(e.currentTarget.value);
            setCursors([]);
          }}
        />
        <Select
          label="Per page"
          data={['25', '50', '100']}
          value={limit}
          allowDeselect={false}
          onChange={(value) => {
            if (value) setLimit(value);
            setCursors([]);
          }}
          w={110}
        />
      </Group>
      <QueryState query={log} isEmpty={(d) => d.items.length === 0} empty="No audit entries match.">
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={800}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th>Request</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((entry: AuditEntry) => (
                    <Table.Tr key={entry.id}>
                      <Table.Td>{formatDate(entry.at)}</Table.Td>
                      <Table.Td>
                        {entry.actor.type}: {entry.actor.id}
                      </Table.Td>
                      <Table.Td>
                        <Code>{entry.action}</Code>
                      </Table.Td>
                      <Table.Td>
                        {entry.target.id ? `${entry.target.type ?? ''} ${entry.target.id}` : '—'}
                      </Table.Td>
                      <Table.Td>
                        <Badge color={outcomeColour[entry.outcome]} variant="light">
                          {entry.outcome} ({entry.status})
                        </Badge>
                      </Table.Td>
                      <Table.Td>{entry.requestId ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="flex-end" mt="md">
              <Button
                variant="default"
                disabled={cursors.length === 0}
                onClick={() => setCursors((c) => c.slice(0, -1))}
              >
                Newer
              </Button>
              <Button
                variant="default"
                disabled={data.next === null}
                onClick={() => {
                  const next = data.next;
                  if (next) setCursors((c) => [...c, next]);
                }}
              >
                Older
              </Button>
            </Group>
          </>
        )}
      </QueryState>
    </>
  );
}
