/**
 * The objects of one tenant-environment namespace: the namespace itself, the NetworkPolicy that keeps
 * other tenants out, and the ResourceQuota and LimitRange the tier allows.
 */
import type { V1LimitRange, V1Namespace, V1NetworkPolicy, V1ResourceQuota } from '@kubernetes/client-node';
import type { AppRef } from '../orchestrator.ts';
import { LABEL, namespaceName, tenantLabels } from './names.ts';
import { type KubernetesSettings, tierLimits } from './settings.ts';

type EnvRef = Pick<AppRef, 'tenant' | 'environment'>;

export function namespaceObject(ref: EnvRef, settings: KubernetesSettings): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespaceName(settings.namespacePrefix, ref),
      labels: {
        ...tenantLabels(ref),
        // The namespace runs untrusted code: the restricted Pod Security Standard is enforced on it.
        'pod-security.kubernetes.io/enforce': 'restricted',
      },
    },
  };
}

/**
 * Ingress from the same tenant's namespaces and from namespaces no tenant owns (the ingress
 * controller, the runner); every other tenant's namespace is refused.
 */
export function networkPolicyObject(ref: EnvRef, settings: KubernetesSettings): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'cameleer-tenant-isolation',
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: tenantLabels(ref),
    },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          _from: [
            { namespaceSelector: { matchLabels: { [LABEL.tenant]: ref.tenant } } },
            { namespaceSelector: { matchExpressions: [{ key: LABEL.tenant, operator: 'DoesNotExist' }] } },
          ],
        },
      ],
    },
  };
}

/** The tier's apps at their largest memory, with room for one surge pod each during a rolling update. */
export function resourceQuotaObject(ref: EnvRef, settings: KubernetesSettings): V1ResourceQuota {
  const { apps, memoryMbPerApp } = tierLimits(settings.tier);
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: 'cameleer-tier',
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: tenantLabels(ref),
    },
    spec: {
      hard: {
        pods: String(apps * 2),
        'limits.memory': `${apps * 2 * memoryMbPerApp}Mi`,
        'requests.memory': `${apps * 2 * memoryMbPerApp}Mi`,
        persistentvolumeclaims: String(apps * 4),
        'services.loadbalancers': '0',
        'services.nodeports': '0',
      },
    },
  };
}

/** Containers get a memory limit even when created by hand, and none above the tier's largest. */
export function limitRangeObject(ref: EnvRef, settings: KubernetesSettings): V1LimitRange {
  const { memoryMbPerApp } = tierLimits(settings.tier);
  const fallback = `${Math.min(512, memoryMbPerApp)}Mi`;
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: {
      name: 'cameleer-tier',
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: tenantLabels(ref),
    },
    spec: {
      limits: [
        {
          type: 'Container',
          max: { memory: `${memoryMbPerApp}Mi` },
          _default: { memory: fallback, cpu: '1' },
          defaultRequest: { memory: fallback, cpu: '100m' },
        },
      ],
    },
  };
}
