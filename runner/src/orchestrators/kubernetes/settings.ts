/** What the Kubernetes objects are shaped by, beyond the deploy itself: the runner's settings. */
import { type TierName, tiers } from '@cameleer/shared';
import type { RunnerConfig } from '../../config/schema.ts';

export type KubernetesSettings = {
  namespacePrefix: string;
  /** Apps answer at `{app}.{env}.{tenant}.{domain}`. */
  domain: string;
  /** Absent: the cluster's default IngressClass. */
  ingressClass?: string;
  /** The Traefik middleware of ForwardAuth, referenced by private apps' Ingresses. */
  forwardAuth: string;
  /** Absent: the cluster's default StorageClass. */
  storageClass?: string;
  /** A Secret of type dockerconfigjson in the runner's namespace, copied into each app namespace. */
  imagePullSecret?: string;
  tier: TierName;
  /** Pods per app. */
  replicas: number;
  /** Above `replicas`: a HorizontalPodAutoscaler up to this many. */
  maxReplicas?: number;
  /** Namespaced RBAC: the only namespaces apps may go to, made beforehand; absent: any, created on first deploy. */
  namespaces?: readonly string[];
};

export const DEFAULT_FORWARD_AUTH = 'cameleer-system-cameleer-auth@kubernetescrd';

export function kubernetesSettings(config: RunnerConfig): KubernetesSettings {
  return {
    namespacePrefix: config.CAMELEER_KUBERNETES_NAMESPACE_PREFIX,
    domain: config.CAMELEER_APPS_DOMAIN,
    forwardAuth: config.CAMELEER_KUBERNETES_FORWARD_AUTH ?? DEFAULT_FORWARD_AUTH,
    tier: config.CAMELEER_KUBERNETES_TIER ?? 'high',
    replicas: config.CAMELEER_KUBERNETES_REPLICAS ?? 1,
    ...(config.CAMELEER_KUBERNETES_MAX_REPLICAS
      ? { maxReplicas: config.CAMELEER_KUBERNETES_MAX_REPLICAS }
      : {}),
    ...(config.CAMELEER_KUBERNETES_NAMESPACES?.length
      ? { namespaces: config.CAMELEER_KUBERNETES_NAMESPACES }
      : {}),
    ...(config.CAMELEER_KUBERNETES_INGRESS_CLASS
      ? { ingressClass: config.CAMELEER_KUBERNETES_INGRESS_CLASS }
      : {}),
    ...(config.CAMELEER_KUBERNETES_STORAGE_CLASS
      ? { storageClass: config.CAMELEER_KUBERNETES_STORAGE_CLASS }
      : {}),
    ...(config.CAMELEER_KUBERNETES_REGISTRY_SECRET
      ? { imagePullSecret: config.CAMELEER_KUBERNETES_REGISTRY_SECRET }
      : {}),
  };
}

/** Defaults for tests and tools: what an unconfigured runner would use. */
export const defaultKubernetesSettings: KubernetesSettings = {
  namespacePrefix: 'cameleer-',
  domain: 'localhost',
  forwardAuth: DEFAULT_FORWARD_AUTH,
  tier: 'high',
  replicas: 1,
};

export function tierLimits(tier: TierName) {
  return tiers[tier].limits;
}
