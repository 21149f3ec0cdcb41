import { Badge, Table, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type components, unwrap } from '../../api/client.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { CreatedTokenDialog } from './CreatedTokenDialog.tsx';
import { CreateTokenForm } from './CreateTokenForm.tsx';
import { formatDate } from './roles.ts';

type ApiToken = components['schemas']['ApiToken'];

export function ApiTokensPage() {
  const { slug } = useTenant();
  const queryClient = useQueryClient();
  const key = ['tenant', slug, 'api-tokens'];
  const path = { tenant: slug };
  const tokens = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/api-tokens', { params: { path } })),
  });
  const [created, setCreated] = useState<components['schemas']['CreatedApiToken']>();
  const create = useMutation({
    mutationFn: (body: components['schemas']['CreateApiToken']) =>
      unwrap(api.POST('/api/tenants/{tenant}/api-tokens', { params: { path }, body })),
    onSuccess: (token) => {
      setCreated(token);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (tokenId: string) =>
      unwrap(
        api.DELETE('/api/tenants/{tenant}/api-tokens/{tokenId}', { params: { path: { ...path, tokenId } } }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens for the CLI and CI: each acts with the role it was given."
      />
      <CreateTokenForm
        onCreate={(body) => create.mutate(body)}
        pending={create.isPending}
        error={create.error}
      />
      {revoke.isError && <ProblemAlert error={revoke.error} title="The token was not revoked" />}
      <QueryState query={tokens} isEmpty={(d) => d.items.length === 0} empty="No API tokens yet.">
        {(data) => (
          <Table.ScrollContainer minWidth={720}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Starts with</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((token) => (
                  <TokenRow
                    key={token.id}
                    token={token}
                    revoking={revoke.isPending && revoke.variables === token.id}
                    onRevoke={() => revoke.mutate(token.id)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      <CreatedTokenDialog token={created} onClose={() => setCreated(undefined)} />
    </>
  );
}

function TokenRow({
  token,
  revoking,
  onRevoke,
}: {
  token: ApiToken;
  revoking: boolean;
  onRevoke: () => void;
}) {
  const expired = token.expiresAt !== null && new Date(token.expiresAt) < new Date();
  const state = token.revokedAt ? 'revoked' : expired ? 'expired' : 'active';
  return (
    <Table.Tr>
      <Table.Td>{token.name}</Table.Td>
      <Table.Td>{token.role}</Table.Td>
      <Table.Td>
        <code>{token.hint}…</code>
      </Table.Td>
      <Table.Td>{formatDate(token.createdAt)}</Table.Td>
      <Table.Td>{token.expiresAt ? formatDate(token.expiresAt) : 'never'}</Table.Td>
      <Table.Td>
        <Badge color={state === 'active' ? 'teal.9' : 'gray.8'} variant="light">
          {state}
        </Badge>
      </Table.Td>
      <Table.Td>
        {state === 'active' && (
          <ConfirmButton
            permission="api-tokens:write"
            label="Revoke"
            question={`Revoke "${token.name}"? Anything using it is refused from now on.`}
            onConfirm={onRevoke}
            loading={revoking}
          />
        )}
      </Table.Td>
    </Table.Tr>
  );
}
