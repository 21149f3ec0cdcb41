import { Alert, Anchor, Group, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client.ts';
import { Guarded } from '../../../components/Guarded.tsx';
import { ProblemAlert } from '../../../components/ProblemAlert.tsx';
import { appKeys } from '../apps-queries.ts';

type Props = {
  tenant: string;
  app: string;
  environment: string;
  /** The serving deployment's version: a redeploy runs it again with the configuration of now. */
  version: { id: string; label: string };
};

/** Says the configuration changed since the serving deployment and offers the redeploy that applies it. */
export function DriftBanner({ tenant, app, environment, version }: Props) {
  const queryClient = useQueryClient();
  const redeploy = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/tenants/{tenant}/apps/{app}/deployments', {
          params: { path: { tenant, app } },
          body: { environment, version: version.id },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: appKeys.deployments(tenant, app) }),
  });
  return (
    <Alert
      color="yellow"
      variant="light"
      title={`${environment}: Configuration changed since this deployment`}
      data-drift={environment}
    >
      <Group justify="space-between" gap="sm">
        <Text size="sm">
          {app} {version.label} in {environment} runs with the configuration it was deployed with; the changes
          apply when it is deployed again.
        </Text>
        {redeploy.isSuccess ? (
          <Anchor component={Link} to={`/t/${tenant}/deployments/${redeploy.data.id}`} size="sm">
            Redeploying {version.label}: follow it
          </Anchor>
        ) : (
          <Guarded
            permission="deployments:write"
            size="xs"
            loading={redeploy.isPending}
            onClick={() => redeploy.mutate()}
            aria-label={`Redeploy ${version.label} to ${environment}`}
          >
            Redeploy
          </Guarded>
        )}
      </Group>
      {redeploy.isError && <ProblemAlert error={redeploy.error} title="The redeploy was not started" />}
    </Alert>
  );
}
