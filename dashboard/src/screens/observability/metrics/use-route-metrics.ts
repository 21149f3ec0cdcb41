import { useQuery } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { rangeStart } from '../filters/time-range.ts';
import type { TelemetryFilters } from '../filters/use-telemetry-filters.ts';

export type RouteMetrics = components['schemas']['RouteMetrics']['items'][number];

export function useRouteMetrics(filters: TelemetryFilters) {
  const { slug } = useTenant();
  const routeId = filters.get('route');
  return useQuery({
    queryKey: ['tenants', slug, 'telemetry', 'route-metrics', filters.scope, filters.range, routeId],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/tenants/{tenant}/telemetry/route-metrics', {
            params: {
              path: { tenant: slug },
              query: {
                ...filters.scope,
                from: rangeStart(filters.range),
                ...(routeId ? { routeId } : {}),
              },
            },
          }),
        )
      ).items,
  });
}
