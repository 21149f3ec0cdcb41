import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type paths, unwrap } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { rangeStart } from '../filters/time-range.ts';
import type { TelemetryFilters } from '../filters/use-telemetry-filters.ts';

type LogQuery = NonNullable<paths['/api/tenants/{tenant}/telemetry/logs']['get']['parameters']['query']>;
export type LogLevel = NonNullable<LogQuery['level']>;
export const logLevels: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
export const pageSize = 100;

export function isLogLevel(value: string): value is LogLevel {
  return (logLevels as string[]).includes(value);
}

/** One page of the log search; `cursor` is the `next` of the page before it. */
export function useLogSearch(filters: TelemetryFilters, cursor: string | undefined) {
  const { slug } = useTenant();
  const text = filters.get('q').trim();
  const level = filters.get('level');
  return useQuery({
    queryKey: ['tenants', slug, 'telemetry', 'logs', filters.scope, filters.range, text, level, cursor],
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{tenant}/telemetry/logs', {
          params: {
            path: { tenant: slug },
            query: {
              ...filters.scope,
              from: rangeStart(filters.range),
              limit: pageSize,
              ...(text ? { text } : {}),
              ...(isLogLevel(level) ? { level } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}
