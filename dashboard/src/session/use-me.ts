import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { queryClient } from '../api/query-client.ts';

export const meKey = ['me'] as const;
export const tenantsKey = ['tenants'] as const;

const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: () => unwrap(api.GET('/api/me')),
  staleTime: 60_000,
});

const tenantsQuery = queryOptions({
  queryKey: tenantsKey,
  queryFn: () => unwrap(api.GET('/api/tenants')),
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function useTenants() {
  return useQuery(tenantsQuery);
}

/**
 * Starts the session's requests before the first render. Not the tenants on the sign-in page: a
 * visitor's 401 there would send them to the sign-in page again.
 */
export function prefetchSession(pathname: string): void {
  void queryClient.prefetchQuery(meQuery);
  if (!pathname.startsWith('/login')) void queryClient.prefetchQuery(tenantsQuery);
}

/** Who is signed in and their tenants, for a tenant's pages (a failure is the pages' to show). */
export async function loadSession(): Promise<void> {
  await Promise.all([queryClient.prefetchQuery(meQuery), queryClient.prefetchQuery(tenantsQuery)]);
}
