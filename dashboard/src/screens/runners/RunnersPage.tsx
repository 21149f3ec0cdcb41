import { Badge, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { minimumPollMs } from '../../api/query-client.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { AddRunnerPanel } from './AddRunnerPanel.tsx';
import { RunnerVersion } from './RunnerVersion.tsx';
import { type Runner, runnerStatusColor, sinceText, transportText } from './runner-status.ts';

function RevokeButton({ runner }: { runner: Runner }) {
  const { slug } = useTenant();
  const queries = useQueryClient();
  const revoke = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/api/tenants/{tenant}/runners/{runnerId}', {
          params: { path: { tenant: slug, runnerId: runner.id } },
        }),
      ),
    onSettled: () => queries.invalidateQueries({ queryKey: ['runners', slug] }),
  });
  return (
    <>
      <ConfirmButton
        permission="runners:write"
        label="Revoke"
        question={`Revoke ${runner.name}? It is disconnected at once and can never connect again with its key; the apps it runs keep running until stopped there.`}
        onConfirm={() => revoke.mutate()}
        loading={revoke.isPending}
      />
      {revoke.isError && <ProblemAlert error={revoke.error} />}
    </>
  );
}

export function RunnersPage() {
  const { slug } = useTenant();
  const runners = useQuery({
    queryKey: ['runners', slug],
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/runners', { params: { path: { tenant: slug } } })),
    // A runner going offline should show without a reload.
    refetchInterval: minimumPollMs * 3,
  });
  return (
    <>
      <PageHeader
        title="Runners"
        description="The machines that run your apps; each connects out to the edge."
        actions={<AddRunnerPanel />}
      />
      <QueryState query={runners} isEmpty={(d) => d.items.length === 0} empty="No runner yet: add one.">
        {({ items }) => (
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Transport</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Capabilities</Table.Th>
                  <Table.Th>Commands in flight</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((runner) => (
                  <Table.Tr key={runner.id} data-runner={runner.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {runner.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {runner.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        color={runnerStatusColor[runner.status]}
                        variant="light"
                        styles={{ label: { overflow: 'visible' } }}
                      >
                        {runner.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{transportText(runner.transport)}</Table.Td>
                    <Table.Td>
                      <RunnerVersion runner={runner} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {runner.capabilities.map((c) => (
                          <Badge
                            key={c}
                            size="sm"
                            variant="outline"
                            color="gray"
                            styles={{ label: { overflow: 'visible' } }}
                          >
                            {c}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{runner.commandsInFlight}</Table.Td>
                    <Table.Td>
                      <span title={runner.lastSeenAt ?? undefined}>{sinceText(runner.lastSeenAt)}</span>
                    </Table.Td>
                    <Table.Td>{runner.status !== 'revoked' && <RevokeButton runner={runner} />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </>
  );
}
