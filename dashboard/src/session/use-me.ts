import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';

export const meKey = ['me'] as const;
export const tenantsKey = ['tenants'] as const;

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: () => unwrap(api.GET('/api/me')), staleTime: 60_000 });
}

export function useTenants() {
  return useQuery({
    queryKey: tenantsKey,
    queryFn: () => unwrap(api.GET('/api/tenants')),
    staleTime: 60_000,
  });
}
