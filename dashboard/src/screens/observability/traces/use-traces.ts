import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { rangeStart } from '../filters/time-range.ts';
import type { TelemetryFilters } from '../filters/use-telemetry-filters.ts';

/** Traces whose root started in the range, newest first; `errors=1` and `min` (ms) come from the URL. */
export function useTraces(filters: TelemetryFilters) {
  const { slug } = useTenant();
  const errorsOnly = filters.get('errors') === '1';
  const minDurationMs = Number(filters.get('min')) || 0;
  return useQuery({
    queryKey: [
      'tenants',
      slug,
      'telemetry',
      'traces',
      filters.scope,
      filters.range,
      errorsOnly,
      minDurationMs,
    ],
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/tenants/{tenant}/telemetry/traces', {
            params: {
              path: { tenant: slug },
              query: {
                ...filters.scope,
                from: rangeStart(filters.range),
                limit: 100,
                ...(errorsOnly ? { status: 'error' as const } : {}),
                ...(minDurationMs > 0 ? { minDurationMs } : {}),
              },
            },
          }),
        )
      ).items,
    placeholderData: keepPreviousData,
  });
}
