import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../api/client.ts';
import { changedSince, upsertDeployment, useDeploymentChanges } from '../../live/use-deployment-changes.ts';
import { appKeys, appQueries } from './app-query-options.ts';

export type App = components['schemas']['App'];
export type AppVersion = components['schemas']['AppVersion'];
export type Deployment = components['schemas']['Deployment'];
export type Environment = components['schemas']['Environment'];

export { appKeys } from './app-query-options.ts';

export function useApps(tenant: string) {
  return useQuery({
    queryKey: appKeys.list(tenant),
    queryFn: async () =>
      (await unwrap(api.GET('/api/tenants/{tenant}/apps', { params: { path: { tenant } } }))).items,
  });
}

export function useApp(tenant: string, app: string) {
  return useQuery(appQueries.one(tenant, app));
}

export function useVersions(tenant: string, app: string) {
  return useQuery(appQueries.versions(tenant, app));
}

export function useDeployments(tenant: string, app: string) {
  return useQuery(appQueries.deployments(tenant, app));
}

export function useEnvironments(tenant: string) {
  return useQuery(appQueries.environments(tenant));
}

/** Keeps the app's deployment list current from the edge's changes stream. */
export function useAppDeploymentChanges(tenant: string, app: string, items: Deployment[] | undefined) {
  const queryClient = useQueryClient();
  return useDeploymentChanges(
    tenant,
    `apps/${encodeURIComponent(app)}/deployments/events`,
    items ? changedSince(items) : null,
    (d) =>
      queryClient.setQueryData<Deployment[]>(appKeys.deployments(tenant, app), (old) =>
        old ? upsertDeployment(old, d) : old,
      ),
  );
}
