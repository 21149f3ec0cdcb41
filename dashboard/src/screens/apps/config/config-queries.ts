import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type components, unwrap } from '../../../api/client.ts';
import { configKeys, configQueries, type LayerRef } from './config-query-options.ts';

export type ConfigEntry = components['schemas']['ConfigEntry'];
export type ResolvedConfig = components['schemas']['ResolvedConfig'];

export type { LayerRef };
export { configKeys };

export function useLayerConfig(tenant: string, layer: LayerRef, enabled = true) {
  return useQuery({ ...configQueries.layer(tenant, layer), enabled });
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
    queries: environments.map((env) => configQueries.resolved(tenant, app, env.name, env.servingId)),
  });
}
