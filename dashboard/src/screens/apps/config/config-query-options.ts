import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client.ts';

/** A configuration layer: neither (global), an environment, an app, or an app in an environment. */
export type LayerRef = { environment?: string; app?: string };

export const configKeys = {
  all: (tenant: string) => ['tenants', tenant, 'config'] as const,
  layer: (tenant: string, layer: LayerRef) =>
    ['tenants', tenant, 'config', 'layer', layer.environment ?? '', layer.app ?? ''] as const,
  /** Keyed by the serving deployment too: a new one that reaches RUNNING (seen by the deployments poll) refetches it. */
  resolved: (tenant: string, app: string, environment: string, servingId: string) =>
    ['tenants', tenant, 'config', 'resolved', app, environment, servingId] as const,
};

/** Configuration reads, shared by the hooks (config-queries.ts) and the app page's loader. */
export const configQueries = {
  layer: (tenant: string, layer: LayerRef) =>
    queryOptions({
      queryKey: configKeys.layer(tenant, layer),
      queryFn: async () =>
        (
          await unwrap(
            api.GET('/api/tenants/{tenant}/config', { params: { path: { tenant }, query: layer } }),
          )
        ).items,
    }),
  resolved: (tenant: string, app: string, environment: string, servingId: string) =>
    queryOptions({
      queryKey: configKeys.resolved(tenant, app, environment, servingId),
      queryFn: () =>
        unwrap(
          api.GET('/api/tenants/{tenant}/apps/{app}/config/resolved', {
            params: { path: { tenant, app }, query: { environment } },
          }),
        ),
    }),
};
