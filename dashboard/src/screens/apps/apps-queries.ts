import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../api/client.ts';
import { changedSince, upsertDeployment, useDeploymentChanges } from '../../live/use-deployment-changes.ts';

export type App = components['schemas']['App'];
export type AppVersion = components['schemas']['AppVersion'];
export type Deployment = components['schemas']['Deployment'];
export type Environment = components['schemas']['Environment'];

/** Query keys shared by the apps screens, so a mutation invalidates exactly what it changed. */
export const appKeys = {
  list: (tenant: string) => ['tenants', tenant, 'apps'] as const,
  one: (tenant: string, app: string) => ['tenants', tenant, 'apps', app] as const,
  versions: (tenant: string, app: string) => ['tenants', tenant, 'apps', app, 'versions'] as const,
  deployments: (tenant: string, app: string) => ['tenants', tenant, 'apps', app, 'deployments'] as const,
  environments: (tenant: string) => ['tenants', tenant, 'environments'] as const,
};

export function useApps(tenant: string) {
  return useQuery({
    queryKey: appKeys.list(tenant),
    queryFn: async () =>
      (await unwrap(api.GET('/api/tenants/{tenant}/apps', { params: { path: { tenant } } }))).items,
  });
}

export function useApp(tenant: string, app: string) {
  return useQuery({
    queryKey: appKeys.one(tenant, app),
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/apps/{app}', { params: { path: { tenant, app } } })),
  });
}

export function useVersions(tenant: string, app: string) {
  return useQuery({
    queryKey: appKeys.versions(tenant, app),
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/tenants/{tenant}/apps/{app}/versions', { params: { path: { tenant, app } } }),
        )
      ).items,
  });
}

export function useDeployments(tenant: string, app: string) {
  return useQuery({
    queryKey: appKeys.deployments(tenant, app),
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/tenants/{tenant}/apps/{app}/deployments', { params: { path: { tenant, app } } }),
        )
      ).items,
    // Deployments change state on their own (BUILDING → RUNNING): the changes stream keeps this current.
  });
}

export function useEnvironments(tenant: string) {
  return useQuery({
    queryKey: appKeys.environments(tenant),
    queryFn: async () =>
      (await unwrap(api.GET('/api/tenants/{tenant}/environments', { params: { path: { tenant } } }))).items,
  });
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
