/**
 * The app's configuration as a ConfigMap and its secrets as a Secret, never the other way round and
 * never in an annotation. Both are named by their content, so a rolled-back template still finds the
 * configuration it ran with.
 */
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { AppRef } from '../orchestrator.ts';
import { appLabels, appObjectName, contentHash, dnsLabel, namespaceName } from './names.ts';
import type { KubernetesSettings } from './settings.ts';

/**
 * The platform's own variables that carry no credential. Everything else goes to the Secret: the
 * deploy merges the tenant's configuration and secrets into one map and does not say which is which,
 * so only what is known to be plain may sit in a ConfigMap.
 */
export const PLAIN_PLATFORM_VARIABLES: readonly string[] = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SERVICE_NAME',
  'CAMELEER_AGENT_REGISTER_URL',
];

/** Splits the merged environment: the names known to be plain go to the ConfigMap, all others to the Secret. */
export function splitEnv(
  env: Record<string, string>,
  plainKeys: readonly string[] = PLAIN_PLATFORM_VARIABLES,
): { plain: Record<string, string>; secret: Record<string, string> } {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (plainKeys.includes(key)) plain[key] = value;
    else secret[key] = value;
  }
  return { plain, secret };
}

export function configMapObject(
  ref: AppRef,
  data: Record<string, string>,
  settings: KubernetesSettings,
): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: dnsLabel(`${appObjectName(ref)}-config-${contentHash(data)}`),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
    },
    immutable: true,
    data,
  };
}

export function secretObject(
  ref: AppRef,
  data: Record<string, string>,
  settings: KubernetesSettings,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: dnsLabel(`${appObjectName(ref)}-secrets-${contentHash(data)}`),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
    },
    type: 'Opaque',
    immutable: true,
    // `stringData` would come back as `data` anyway; base64 here keeps one shape.
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}
