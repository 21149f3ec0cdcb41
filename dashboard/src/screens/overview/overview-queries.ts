import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';
import { changedSince, upsertDeployment, useDeploymentChanges } from '../../live/use-deployment-changes.ts';

export type Deployment = components['schemas']['Deployment'];
export type App = components['schemas']['App'];

// The overview is a glance, not a live view: half a minute old is fresh enough.
const staleTime = 30_000;

export function useEnvironments(slug: string) {
  return useQuery({
    queryKey: ['tenant', slug, 'environments'],
    queryFn: () =>
      unwrap(api.GET('/api/tenants/{tenant}/environments', { params: { path: { tenant: slug } } })),
    staleTime,
  });
}

export function useApps(slug: string) {
  return useQuery({
    queryKey: ['tenant', slug, 'apps'],
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/apps', { params: { path: { tenant: slug } } })),
    staleTime,
  });
}

export function useRunners(slug: string) {
  return useQuery({
    queryKey: ['tenant', slug, 'runners'],
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/runners', { params: { path: { tenant: slug } } })),
    staleTime,
  });
}

/** The licence, or null when the tenant has none yet (the edge answers 404). */
export function useLicence(slug: string) {
  return useQuery({
    queryKey: ['tenant', slug, 'licence'],
    queryFn: async () => {
      try {
        return await unwrap(api.GET('/api/tenants/{tenant}/licence', { params: { path: { tenant: slug } } }));
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 404) return null;
        throw error;
      }
    },
    staleTime,
  });
}

const recentKey = (slug: string, appId: string) => ['tenant', slug, 'apps', appId, 'deployments', 'recent'];

/** One request per app (its newest deployments, every environment), each cached on its own. */
export function useDeploymentsByApp(slug: string, apps: App[]) {
  return useQueries({
    queries: apps.map((app) => ({
      queryKey: recentKey(slug, app.id),
      queryFn: () =>
        unwrap(
          api.GET('/api/tenants/{tenant}/apps/{app}/deployments', {
            params: { path: { tenant: slug, app: app.id }, query: { limit: 20 } },
          }),
        ),
      staleTime,
    })),
  });
}

/** The newest deployment of each app in each environment, keyed `${environmentId}/${appId}`. */
export function latestByEnvironmentAndApp(deployments: Deployment[]): Map<string, Deployment> {
  const latest = new Map<string, Deployment>();
  for (const d of deployments) {
    const key = `${d.environmentId}/${d.appId}`;
    const seen = latest.get(key);
    if (!seen || seen.createdAt < d.createdAt) latest.set(key, d);
  }
  return latest;
}

/** Keeps each app's recent deployments current from the tenant's changes stream (once all are read). */
export function useOverviewDeploymentChanges(slug: string, deployments: Deployment[] | null) {
  const queryClient = useQueryClient();
  return useDeploymentChanges(
    slug,
    'deployment-events',
    deployments ? changedSince(deployments) : null,
    (d) =>
      queryClient.setQueryData<{ items: Deployment[] }>(recentKey(slug, d.appId), (old) =>
        old ? { items: upsertDeployment(old.items, d) } : old,
      ),
  );
}
