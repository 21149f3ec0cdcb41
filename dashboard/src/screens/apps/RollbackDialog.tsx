import { Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client.ts';
import { formatDateTime } from '../../components/dates.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { appKeys, type Deployment, useDeployments, useVersions } from './apps-queries.ts';

/** The versions that ran in an environment (RUNNING or STOPPED since), newest first, without the one serving now. */
export function rollbackCandidates(deployments: Deployment[], environmentId: string) {
  const ran = deployments
    .filter((d) => d.environmentId === environmentId && (d.state === 'RUNNING' || d.state === 'STOPPED'))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const current = ran[0]?.state === 'RUNNING' ? ran[0].versionId : undefined;
  const seen = new Set<string>(current ? [current] : []);
  return ran.filter((d) => !seen.has(d.versionId) && seen.add(d.versionId));
}

/** "Roll back" to a version chosen among those that ran in this environment before. */
export function RollbackDialog({
  tenant,
  app,
  environment,
}: {
  tenant: string;
  app: string;
  environment: { id: string; name: string };
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const deployments = useDeployments(tenant, app).data ?? [];
  const versions = useVersions(tenant, app).data ?? [];
  const candidates = rollbackCandidates(deployments, environment.id);
  const [chosen, setChosen] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const label = (versionId: string) => versions.find((v) => v.id === versionId)?.label ?? versionId;
  const rollback = useMutation({
    mutationFn: (version: string) =>
      unwrap(
        api.POST('/api/tenants/{tenant}/apps/{app}/rollback', {
          params: { path: { tenant, app } },
          body: { environment: environment.name, version },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: appKeys.deployments(tenant, app) });
      close();
    },
  });
  const selected = chosen ?? candidates[0]?.versionId ?? null;
  return (
    <>
      <Guarded
        permission="deployments:write"
        variant="light"
        color="orange"
        onClick={() => {
          rollback.reset();
          setChosen(null);
          open();
        }}
      >
        Roll back
      </Guarded>
      <Modal
        opened={opened}
        onClose={close}
        title={`Roll back ${app} in ${environment.name}`}
        closeButtonProps={{ 'aria-label': 'Close' }}
        centered
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (selected) rollback.mutate(selected);
          }}
        >
          <Stack>
            {candidates.length === 0 ? (
              <Text size="sm">
                No other version ran in {environment.name} yet: there is nothing to roll back to.
              </Text>
            ) : (
              <Radio.Group
                label="Version to run again"
                description={`Only versions that ran in ${environment.name} before, newest first`}
                value={selected}
                onChange={setChosen}
              >
                <Stack gap="xs" mt="xs">
                  {candidates.map((d) => (
                    <Radio
                      key={d.versionId}
                      value={d.versionId}
                      label={`${label(d.versionId)} · deployed ${formatDateTime(d.createdAt)}`}
                    />
                  ))}
                </Stack>
              </Radio.Group>
            )}
            {rollback.isError && <ProblemAlert error={rollback.error} title="Not rolled back" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={rollback.isPending} disabled={!selected}>
                Roll back to {selected ? label(selected) : '…'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
