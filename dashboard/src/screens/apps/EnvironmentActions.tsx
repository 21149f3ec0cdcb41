import { Group, Select } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client.ts';
import { ConfirmButton } from '../../components/ConfirmButton.tsx';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { appKeys, type Environment } from './apps-queries.ts';
import { RollbackDialog } from './RollbackDialog.tsx';

type Lifecycle = 'stop' | 'restart' | 'remove';

/** What can be done to the app in one environment: promote it onwards, roll back (RollbackDialog), stop, restart, remove. */
export function EnvironmentActions({
  tenant,
  app,
  environment,
  environments,
}: {
  tenant: string;
  app: string;
  environment: string;
  environments: Environment[];
}) {
  const queryClient = useQueryClient();
  const others = environments.map((e) => e.name).filter((name) => name !== environment);
  const [target, setTarget] = useState<string | null>(others[0] ?? null);
  const settled = () => queryClient.invalidateQueries({ queryKey: appKeys.deployments(tenant, app) });
  const path = { tenant, app };
  const action = useMutation({
    mutationFn: async (what: 'promote' | Lifecycle) => {
      if (what === 'promote') {
        if (!target) throw new Error('Choose where to promote to');
        return unwrap(
          api.POST('/api/tenants/{tenant}/apps/{app}/promote', {
            params: { path },
            body: { from: environment, to: target },
          }),
        );
      }
      const body = { environment };
      if (what === 'stop')
        return unwrap(api.POST('/api/tenants/{tenant}/apps/{app}/stop', { params: { path }, body }));
      if (what === 'restart')
        return unwrap(api.POST('/api/tenants/{tenant}/apps/{app}/restart', { params: { path }, body }));
      return unwrap(api.POST('/api/tenants/{tenant}/apps/{app}/remove', { params: { path }, body }));
    },
    onSettled: settled,
  });
  const busy = (what: string) => action.isPending && action.variables === what;
  return (
    <>
      <Group gap="xs" wrap="wrap">
        {others.length > 0 && (
          <>
            <Select
              size="xs"
              w={120}
              aria-label={`Promote from ${environment} to`}
              data={others}
              value={target}
              onChange={setTarget}
              allowDeselect={false}
            />
            <Guarded
              permission="deployments:write"
              size="xs"
              variant="light"
              loading={busy('promote')}
              onClick={() => action.mutate('promote')}
            >
              Promote
            </Guarded>
          </>
        )}
        <RollbackDialog
          tenant={tenant}
          app={app}
          environment={{ id: environments.find((e) => e.name === environment)?.id ?? '', name: environment }}
        />
        <ConfirmButton
          permission="deployments:write"
          label="Restart"
          color="yellow"
          question={`Restart ${app} in ${environment}? It is briefly unavailable.`}
          loading={busy('restart')}
          onConfirm={() => action.mutate('restart')}
        />
        <ConfirmButton
          permission="deployments:write"
          label="Stop"
          question={`Stop ${app} in ${environment}? It stops answering until started again.`}
          loading={busy('stop')}
          onConfirm={() => action.mutate('stop')}
        />
        <ConfirmButton
          permission="deployments:write"
          label="Remove"
          question={`Remove ${app} from ${environment}? Its process and address go away.`}
          loading={busy('remove')}
          onConfirm={() => action.mutate('remove')}
        />
      </Group>
      {action.isError && <ProblemAlert error={action.error} title={`${action.variables} failed`} />}
    </>
  );
}
