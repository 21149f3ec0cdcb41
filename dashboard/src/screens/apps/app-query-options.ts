import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { queryClient } from '../../api/query-client.ts';
import { configQueries } from './config/config-query-options.ts';
import { samplesQuery } from './sample-query.ts';

/** Query keys shared by the apps screens, so a mutation invalidates exactly what it changed. */
export const appKeys = {
  list: (tenant: string) => ['tenants', tenant, 'apps'] as const,
  one: (tenant: string, app: string) => ['tenants', tenant, 'apps', app] as const,
  versions: (tenant: string, app: string) => ['tenants', tenant, 'apps', app, 'versions'] as const,
  deployments: (tenant: string, app: string) => ['tenants', tenant, 'apps', app, 'deployments'] as const,
  environments: (tenant: string) => ['tenants', tenant, 'environments'] as const,
};

/** The requests of an app's page, shared by its hooks and the route's loader (router.tsx). */
export const appQueries = {
  one: (tenant: string, app: string) =>
    queryOptions({
      queryKey: appKeys.one(tenant, app),
      queryFn: () =>
        unwrap(api.GET('/api/tenants/{tenant}/apps/{app}', { params: { path: { tenant, app } } })),
    }),
  versions: (tenant: string, app: string) =>
    queryOptions({
      queryKey: appKeys.versions(tenant, app),
      queryFn: async () =>
        (
          await unwrap(
            api.GET('/api/tenants/{tenant}/apps/{app}/versions', { params: { path: { tenant, app } } }),
          )
        ).items,
    }),
  // Deployments change state on their own (BUILDING → RUNNING): the changes stream keeps this current.
  deployments: (tenant: string, app: string) =>
    queryOptions({
      queryKey: appKeys.deployments(tenant, app),
      queryFn: async () =>
        (
          await unwrap(
            api.GET('/api/tenants/{tenant}/apps/{app}/deployments', { params: { path: { tenant, app } } }),
          )
        ).items,
    }),
  environments: (tenant: string) =>
    queryOptions({
      queryKey: appKeys.environments(tenant),
      queryFn: async () =>
        (await unwrap(api.GET('/api/tenants/{tenant}/environments', { params: { path: { tenant } } }))).items,
    }),
};

/**
 * Every request of an app's page. Its resolved configuration in each environment is asked once the
 * environments and deployments are known, and not waited for: the edge takes longest to answer it,
 * and the page shows its configuration section loading meanwhile.
 */
export async function loadAppPage(tenant: string, app: string): Promise<void> {
  const [environments, deployments] = await Promise.all([
    queryClient.fetchQuery(appQueries.environments(tenant)).catch(() => undefined),
    queryClient.fetchQuery(appQueries.deployments(tenant, app)).catch(() => undefined),
    queryClient.prefetchQuery(appQueries.one(tenant, app)),
    queryClient.prefetchQuery(appQueries.versions(tenant, app)),
    queryClient.prefetchQuery(configQueries.layer(tenant, { app })),
    queryClient.prefetchQuery(samplesQuery),
  ]);
  for (const env of environments && deployments ? environments : [])
    void queryClient.prefetchQuery(
      configQueries.resolved(tenant, app, env.name, servingIn(deployments ?? [], env.id)?.id ?? ''),
    );
}

type Deployment = { id: string; environmentId: string; state: string; createdAt: string };

/** The deployment that serves in an environment now: the newest that is RUNNING, as the edge decides it. */
export function servingIn<D extends Deployment>(deployments: D[], environmentId: string): D | undefined {
  return deployments
    .filter((d) => d.environmentId === environmentId && d.state === 'RUNNING')
    .reduce<D | undefined>((a, d) => (!a || d.createdAt > a.createdAt ? d : a), undefined);
}
