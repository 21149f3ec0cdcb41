import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';
import type { Billing } from './billing-state.ts';

export const billingKeys = {
  tier: (slug: string) => ['tenant', slug, 'tier'] as const,
  billing: (slug: string) => ['tenant', slug, 'billing'] as const,
  // The overview's key: both screens share one cached licence.
  licence: (slug: string) => ['tenant', slug, 'licence'] as const,
};

export function useTierUsage(slug: string) {
  return useQuery({
    queryKey: billingKeys.tier(slug),
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/tier', { params: { path: { tenant: slug } } })),
  });
}

type Poll = number | false | ((query: { state: { data: Billing | undefined } }) => number | false);

export function useBilling(slug: string, opts: { enabled: boolean; refetchInterval?: Poll }) {
  return useQuery({
    queryKey: billingKeys.billing(slug),
    queryFn: () => unwrap(api.GET('/api/tenants/{tenant}/billing', { params: { path: { tenant: slug } } })),
    enabled: opts.enabled,
    refetchInterval: opts.refetchInterval ?? false,
    // The edge answers without calling Stripe: only a lost connection is worth asking again.
    retry: (count, error) => !(error instanceof ApiProblem) && count < 2,
  });
}
