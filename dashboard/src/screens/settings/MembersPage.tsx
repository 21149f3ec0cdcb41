import { Group, Select, Table, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../api/client.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { refusalOf, useTenant } from '../../session/tenant.ts';
import { formatDate, isRole, type MemberRole, roles } from './roles.ts';

type Member = components['schemas']['Member'];

export function MembersPage() {
  const scope = useTenant();
  const { slug } = scope;
  const queryClient = useQueryClient();
  const key = ['tenant', slug, 'members'];
  const members = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/members', { params: { path: { tenant: slug } } })),
  });
  const changeRole = useMutation({
    mutationFn: ({ memberId, role }: { memberId: string; role: MemberRole }) =>
      unwrap(
        api.PATCH('/api/tenants/{tenant}/members/{memberId}', {
          params: { path: { tenant: slug, memberId } },
          body: { role },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (memberId: string) =>
      unwrap(
        api.DELETE('/api/tenants/{tenant}/members/{memberId}', {
          params: { path: { tenant: slug, memberId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const refusal = refusalOf(scope, 'members:write');
  return (
    <>
      <PageHeader title="Members" description="Who can reach this tenant, and with which role." />
      {changeRole.isError && <ProblemAlert error={changeRole.error} title="The role was not changed" />}
      {remove.isError && <ProblemAlert error={remove.error} title="The member was not removed" />}
      <QueryState query={members} isEmpty={(d) => d.items.length === 0} empty="No members yet.">
        {(data) => (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Member</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Since</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((member: Member) => {
                  const who = member.user.name ?? member.user.email ?? member.user.subject;
                  return (
                    <Table.Tr key={member.id}>
                      <Table.Td>
                        {who}
                        {member.user.email && member.user.email !== who && ` (${member.user.email})`}
                      </Table.Td>
                      <Table.Td>
                        <Select
                          aria-label={`Role of ${who}`}
                          data={roles}
                          value={member.role}
                          allowDeselect={false}
                          disabled={refusal !== undefined || changeRole.isPending}
                          title={refusal}
                          data-permission="members:write"
                          onChange={(role) =>
                            isRole(role) && changeRole.mutate({ memberId: member.id, role })
                          }
                          w={140}
                        />
                      </Table.Td>
                      <Table.Td>{formatDate(member.createdAt)}</Table.Td>
                      <Table.Td>
                        <Group justify="flex-end">
                          <ConfirmButton
                            permission="members:write"
                            label="Remove"
                            question={`Remove ${who} from this tenant? They lose access at once.`}
                            onConfirm={() => remove.mutate(member.id)}
                            loading={remove.isPending && remove.variables === member.id}
                          />
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </>
  );
}
