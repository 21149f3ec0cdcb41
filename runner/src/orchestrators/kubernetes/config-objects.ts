/**
 * The app's configuration as a ConfigMap and its secrets as a Secret, never the other way round and
 * never in an annotation. Both are named by their content, so a rolled-back template still finds the
 * configuration it ran with.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { AppRef } from '../orchestrator.ts';
import { appLabels, appObjectName, contentHash, dnsLabel, namespaceName } from './names.ts';
import type { KubernetesSettings } from './settings.ts';

/**
 * Splits the deploy's environment: the keys it names as secrets go to the Secret, the others to the
 * ConfigMap. Without that list (a spec from before it existed) nothing is known to be plain, so all of
 * it goes to the Secret.
 */
export function splitEnv(
  env: Record<string, string>,
  secretKeys: readonly string[] | undefined,
): { plain: Record<string, string>; secret: Record<string, string> } {
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (secretKeys && !secretKeys.includes(key)) plain[key] = value;
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

/**
 * A Secret's name must not be a plain hash of its values: whoever may read Deployments but not Secrets
 * could test guesses of a short password against it. Keyed by this process's random key, the name still
 * changes with the content (a new rollout) and repeats within one runner's life (an idempotent apply).
 */
const secretNameKey = randomBytes(32);
const secretNameHash = (data: Record<string, string>) =>
  createHmac('sha256', secretNameKey).update(JSON.stringify(data)).digest('hex').slice(0, 10);

export function secretObject(
  ref: AppRef,
  data: Record<string, string>,
  settings: KubernetesSettings,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: dnsLabel(`${appObjectName(ref)}-secrets-${secretNameHash(data)}`),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
    },
    type: 'Opaque',
    immutable: true,
    // `stringData` would come back as `data` anyway; base64 here keeps one shape.
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}
