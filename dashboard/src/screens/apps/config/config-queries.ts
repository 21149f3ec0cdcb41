import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../../api/client.ts';

export type ConfigEntry = components['schemas']['ConfigEntry'];
export type ResolvedConfig = components['schemas']['ResolvedConfig'];

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

export function useLayerConfig(tenant: string, layer: LayerRef, enabled = true) {
  return useQuery({
    queryKey: configKeys.layer(tenant, layer),
    queryFn: async () =>
      (await unwrap(api.GET('/api/tenants/{tenant}/config', { params: { path: { tenant }, query: layer } })))
        .items,
    enabled,
  });
}

export type ConfigWrite = { key: string; value: string; secret: boolean };

/** Set and remove keys in one layer; every configuration view of the tenant is stale afterwards. */
export function useConfigWrites(tenant: string, layer: LayerRef) {
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: configKeys.all(tenant) });
  const set = useMutation({
    mutationFn: ({ key, value, secret }: ConfigWrite) =>
      unwrap(
        api.PUT('/api/tenants/{tenant}/config/{key}', {
          params: { path: { tenant, key }, query: layer },
          body: { value, secret },
        }),
      ),
    onSuccess,
  });
  const unset = useMutation({
    mutationFn: (key: string) =>
      unwrap(
        api.DELETE('/api/tenants/{tenant}/config/{key}', { params: { path: { tenant, key }, query: layer } }),
      ),
    onSuccess,
  });
  return { set, unset };
}

/** The resolved view of an app in each environment (one request each), for the table, banners and volume names. */
export function useResolvedConfigs(
  tenant: string,
  app: string,
  environments: Array<{ name: string; servingId: string }>,
) {
  return useQueries({
    queries: environments.map((env) => ({
      queryKey: configKeys.resolved(tenant, app, env.name, env.servingId),
      queryFn: () =>
        unwrap(
          api.GET('/api/tenants/{tenant}/apps/{app}/config/resolved', {
            params: { path: { tenant, app }, query: { environment: env.name } },
          }),
        ),
    })),
  });
}
