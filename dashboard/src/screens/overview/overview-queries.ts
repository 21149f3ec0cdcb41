import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../api/client.ts';
import { changedSince, upsertDeployment, useDeploymentChanges } from '../../live/use-deployment-changes.ts';
import { overviewQueries, recentKey } from './overview-query-options.ts';

export type Deployment = components['schemas']['Deployment'];
export type App = components['schemas']['App'];

export function useEnvironments(slug: string) {
  return useQuery(overviewQueries.environments(slug));
}

export function useApps(slug: string) {
  return useQuery(overviewQueries.apps(slug));
}

export function useRunners(slug: string) {
  return useQuery(overviewQueries.runners(slug));
}

/** The licence, or null when the tenant has none yet (the edge answers 404). */
export function useLicence(slug: string) {
  return useQuery(overviewQueries.licence(slug));
}

/** One request per app (its newest deployments, every environment), each cached on its own. */
export function useDeploymentsByApp(slug: string, apps: App[]) {
  return useQueries({ queries: apps.map((app) => overviewQueries.recentDeployments(slug, app)) });
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
