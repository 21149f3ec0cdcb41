import { Badge, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { formatDateTime } from '../../components/dates.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { useTenant } from '../../session/tenant.ts';
import { useLicence } from '../overview/overview-queries.ts';
import { billingKeys } from './billing-queries.ts';
import type { Licence } from './billing-state.ts';

const stateColour: Record<Licence['state'], string> = {
  valid: 'green',
  grace: 'yellow',
  expired: 'red',
  revoked: 'red',
};

export function licenceFileName(slug: string): string {
  return `cameleer-licence-${slug}.jwt`;
}

function verifyCommands(file: string): string {
  return [
    `npx cameleer-runner license verify ${file}`,
    '# on a machine that never reached the edge, with the saved public keys:',
    `npx cameleer-runner license verify ${file} --keys ${location.origin}/.well-known/license-keys`,
  ].join('\n');
}

function download(slug: string, token: string) {
  const url = URL.createObjectURL(new Blob([token], { type: 'application/jwt' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = licenceFileName(slug);
  link.click();
  URL.revokeObjectURL(url);
}

function PlatformActions({ slug }: { slug: string }) {
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: billingKeys.licence(slug) });
  const issue = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/tenants/{tenant}/licence', { params: { path: { tenant: slug } } })),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/tenants/{tenant}/licence/revoke', { params: { path: { tenant: slug } } })),
    onSettled: refresh,
  });
  return (
    <Stack gap="xs">
      <Group>
        <Guarded
          permission="platform:admin"
          variant="default"
          loading={issue.isPending}
          onClick={() => issue.mutate()}
        >
          Issue a new licence
        </Guarded>
        <ConfirmButton
          permission="platform:admin"
          label="Revoke licence"
          question="Revoke the tenant's licence? New deployments are refused until a new licence is issued; apps already running keep running."
          confirmLabel="Revoke"
          loading={revoke.isPending}
          onConfirm={() => revoke.mutate()}
        />
      </Group>
      {issue.isError && <ProblemAlert error={issue.error} title="The licence could not be issued" />}
      {revoke.isError && <ProblemAlert error={revoke.error} title="The licence could not be revoked" />}
    </Stack>
  );
}

/** The signed licence: its state, a file for air-gapped runners and how to check it there. */
export function LicenceCard() {
  const { slug } = useTenant();
  const licence = useLicence(slug);
  const file = licenceFileName(slug);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="licence-title">
      <Title order={2} size="h4" id="licence-title" mb="sm">
        Licence
      </Title>
      <QueryState query={licence} isEmpty={(d) => d === null} empty="No licence issued yet.">
        {(data) =>
          data && (
            <Stack>
              <Group gap="xs">
                <Badge color={stateColour[data.state]} variant="light" data-testid="licence-state">
                  {data.state}
                </Badge>
                <Text size="sm">
                  {data.tier.name} tier · licence {data.id}
                </Text>
              </Group>
              <Table.ScrollContainer minWidth={320}>
                <Table>
                  <Table.Tbody>
                    <Table.Tr>
                      <Table.Th scope="row">Issued</Table.Th>
                      <Table.Td>{formatDateTime(data.issuedAt)}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th scope="row">Expires</Table.Th>
                      <Table.Td>{formatDateTime(data.expiresAt)}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th scope="row">Grace period ends</Table.Th>
                      <Table.Td>{formatDateTime(data.graceEndsAt)}</Table.Td>
                    </Table.Tr>
                    {data.revokedAt && (
                      <Table.Tr>
                        <Table.Th scope="row">Revoked</Table.Th>
                        <Table.Td>{formatDateTime(data.revokedAt)}</Table.Td>
                      </Table.Tr>
                    )}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group>
                <Button onClick={() => download(slug, data.token)}>Download licence token</Button>
              </Group>
              <Text size="sm">
                Runners without network access check the licence offline. Copy {file} to the runner's machine
                and run:
              </Text>
              <Code block tabIndex={0} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {verifyCommands(file)}
              </Code>
              <PlatformActions slug={slug} />
            </Stack>
          )
        }
      </QueryState>
    </Card>
  );
}
