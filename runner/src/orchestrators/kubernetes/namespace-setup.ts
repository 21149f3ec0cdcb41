/**
 * A tenant-environment's namespace made ready for a deploy: the namespace itself (created once, never
 * updated nor deleted by the runner, whose grant has no such verbs on namespaces), its isolation
 * policy and tier limits, and the registry's credentials copied into it.
 */
import type { V1Secret } from '@kubernetes/client-node';
import type { AppRef } from '../orchestrator.ts';
import type { KubeApi } from './kube-api.ts';
import { LABEL, namespaceName } from './names.ts';
import {
  limitRangeObject,
  namespaceObject,
  networkPolicyObject,
  resourceQuotaObject,
} from './namespace-objects.ts';
import type { KubernetesSettings } from './settings.ts';

export async function prepareNamespace(
  api: KubeApi,
  ref: AppRef,
  settings: KubernetesSettings,
  runnerNamespace: string | undefined,
): Promise<string> {
  const name = namespaceName(settings.namespacePrefix, ref);
  if (!settings.namespaces) await api.ensure(namespaceObject(ref, settings));
  else if (!settings.namespaces.includes(name)) {
    throw new Error(
      `the namespace ${name} is not one this runner may deploy to (CAMELEER_KUBERNETES_NAMESPACES): create it, labelled ${LABEL.tenant}=${ref.tenant}, and grant the runner a Role there`,
    );
  }
  await api.apply(networkPolicyObject(ref, settings));
  await api.apply(resourceQuotaObject(ref, settings));
  await api.apply(limitRangeObject(ref, settings));
  await copyPullSecret(api, name, settings.imagePullSecret, runnerNamespace);
  return name;
}

/** The registry's credentials live once in the runner's namespace; pods can only use a Secret of their own. */
async function copyPullSecret(
  api: KubeApi,
  namespace: string,
  name: string | undefined,
  from: string | undefined,
): Promise<void> {
  if (!name || !from) return;
  const source = await api.read<V1Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: from },
  });
  if (!source) throw new Error(`the image pull secret ${from}/${name} does not exist`);
  await api.apply<V1Secret>({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { [LABEL.managed]: 'true' } },
    type: source.type ?? 'kubernetes.io/dockerconfigjson',
    data: source.data ?? {},
  });
}
