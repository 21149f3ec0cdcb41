import { Button, Group, Modal, Select, Stack } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { type AppVersion, appKeys, type Environment } from './apps-queries.ts';

/** "Deploy" for one version: pick the environment, then follow the deployment on its own page. */
export function DeployDialog({
  tenant,
  app,
  version,
  environments,
}: {
  tenant: string;
  app: string;
  version: AppVersion;
  environments: Environment[];
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const [environment, setEnvironment] = useState<string | null>(environments[0]?.name ?? null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const deploy = useMutation({
    mutationFn: (env: string) =>
      unwrap(
        api.POST('/api/tenants/{tenant}/apps/{app}/deployments', {
          params: { path: { tenant, app } },
          body: { environment: env, version: version.id },
        }),
      ),
    onSuccess: async (deployment) => {
      await queryClient.invalidateQueries({ queryKey: appKeys.deployments(tenant, app) });
      close();
      navigate(`/t/${tenant}/deployments/${deployment.id}`);
    },
  });
  return (
    <>
      <Guarded permission="deployments:write" size="xs" variant="light" onClick={open}>
        Deploy
      </Guarded>
      <Modal opened={opened} onClose={close} title={`Deploy ${version.label}`} centered>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (environment) deploy.mutate(environment);
          }}
        >
          <Stack>
            <Select
              label="Environment"
              data={environments.map((e) => e.name)}
              value={environment}
              onChange={setEnvironment}
              allowDeselect={false}
              required
            />
            {deploy.isError && <ProblemAlert error={deploy.error} title="The deployment was not started" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={deploy.isPending} disabled={!environment}>
                Deploy to {environment ?? '…'}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
