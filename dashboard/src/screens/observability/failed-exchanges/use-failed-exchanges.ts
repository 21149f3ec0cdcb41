import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { rangeStart } from '../filters/time-range.ts';
import type { TelemetryFilters } from '../filters/use-telemetry-filters.ts';

const keys = {
  all: (slug: string) => ['tenants', slug, 'failed-exchanges'] as const,
  detail: (slug: string, id: string) => ['tenants', slug, 'failed-exchanges', 'detail', id] as const,
};

/** Failed exchanges in the range, newest first (at most 100), with their latest replay. */
export function useFailedExchanges(filters: TelemetryFilters) {
  const { slug } = useTenant();
  return useQuery({
    queryKey: [...keys.all(slug), filters.scope, filters.range],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/tenants/{tenant}/failed-exchanges', {
            params: {
              path: { tenant: slug },
              query: { ...filters.scope, from: rangeStart(filters.range), limit: 100 },
            },
          }),
        )
      ).items,
    placeholderData: keepPreviousData,
    // While a replay is under way, its outcome (and a failure it causes again) shows without a reload.
    refetchInterval: (query) => (query.state.data?.some((x) => replaying(x.lastReplay)) ? 2000 : false),
  });
}

function replaying(replay: { state: string } | null | undefined): boolean {
  return !!replay && !['succeeded', 'failed'].includes(replay.state);
}

/** One failed exchange with its redacted headers and body; polled while a replay of it is under way. */
export function useFailedExchange(exchangeId: string) {
  const { slug } = useTenant();
  return useQuery({
    queryKey: keys.detail(slug, exchangeId),
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{tenant}/failed-exchanges/{exchangeId}', {
          params: { path: { tenant: slug, exchangeId } },
        }),
      ),
    refetchInterval: (query) => (replaying(query.state.data?.lastReplay) ? 1000 : false),
  });
}

export function useReplay(exchangeId: string) {
  const { slug } = useTenant();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/tenants/{tenant}/failed-exchanges/{exchangeId}/replay', {
          params: { path: { tenant: slug, exchangeId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.all(slug) }),
  });
}
