import { useQuery } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../../api/client.ts';
import { useTenant } from '../../../session/tenant.ts';
import { rangeStart } from '../filters/time-range.ts';
import type { TelemetryFilters } from '../filters/use-telemetry-filters.ts';

export type Topology = components['schemas']['Topology'];
export type TopologyEdge = Topology['edges'][number];
export type TopologyNode = Topology['nodes'][number];

export function useTopology(filters: TelemetryFilters) {
  const { slug } = useTenant();
  return useQuery({
    queryKey: ['tenants', slug, 'telemetry', 'topology', filters.scope, filters.range],
    queryFn: () =>
      unwrap(
        api.GET('/api/tenants/{tenant}/telemetry/topology', {
          params: { path: { tenant: slug }, query: { ...filters.scope, from: rangeStart(filters.range) } },
        }),
      ),
  });
}
