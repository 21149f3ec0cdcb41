import { queryOptions } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';
import { queryClient } from '../../api/query-client.ts';

type App = components['schemas']['App'];

// The overview is a glance, not a live view: half a minute old is fresh enough.
const staleTime = 30_000;

export const recentKey = (slug: string, appId: string) =>
  ['tenant', slug, 'apps', appId, 'deployments', 'recent'] as const;

/** The overview's requests, shared by its hooks and the route's loader (router.tsx). */
export const overviewQueries = {
  environments: (slug: string) =>
    queryOptions({
      queryKey: ['tenant', slug, 'environments'],
      queryFn: () =>
        unwrap(api.GET('/api/tenants/{tenant}/environments', { params: { path: { tenant: slug } } })),
      staleTime,
    }),
  apps: (slug: string) =>
    queryOptions({
      queryKey: ['tenant', slug, 'apps'],
      queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/apps', { params: { path: { tenant: slug } } })),
      staleTime,
    }),
  runners: (slug: string) =>
    queryOptions({
      queryKey: ['tenant', slug, 'runners'],
      queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/runners', { params: { path: { tenant: slug } } })),
      staleTime,
    }),
  /** The licence, or null when the tenant has none yet (the edge answers 404). */
  licence: (slug: string) =>
    queryOptions({
      queryKey: ['tenant', slug, 'licence'],
      queryFn: async () => {
        try {
          return await unwrap(
            api.GET('/api/tenants/{tenant}/licence', { params: { path: { tenant: slug } } }),
          );
        } catch (error) {
          if (error instanceof ApiProblem && error.status === 404) return null;
          throw error;
        }
      },
      staleTime,
    }),
  /** An app's newest deployments, every environment. */
  recentDeployments: (slug: string, app: App) =>
    queryOptions({
      queryKey: recentKey(slug, app.id),
      queryFn: () =>
        unwrap(
          api.GET('/api/tenants/{tenant}/apps/{app}/deployments', {
            params: { path: { tenant: slug, app: app.id }, query: { limit: 20 } },
          }),
        ),
      staleTime,
    }),
};

/** Every request of the overview, the deployments of each app once the apps are known. */
export async function loadOverview(slug: string): Promise<void> {
  const [apps] = await Promise.all([
    queryClient.fetchQuery(overviewQueries.apps(slug)).catch(() => undefined),
    queryClient.prefetchQuery(overviewQueries.environments(slug)),
    queryClient.prefetchQuery(overviewQueries.runners(slug)),
    queryClient.prefetchQuery(overviewQueries.licence(slug)),
  ]);
  await Promise.all(
    (apps?.items ?? []).map((app) => queryClient.prefetchQuery(overviewQueries.recentDeployments(slug, app))),
  );
}
