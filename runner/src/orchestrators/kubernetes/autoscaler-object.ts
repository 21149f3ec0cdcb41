/** An optional HorizontalPodAutoscaler: between the configured replicas and a maximum, on CPU. */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { AppRef } from '../orchestrator.ts';
import { appLabels, appObjectName, namespaceName } from './names.ts';
import type { KubernetesSettings } from './settings.ts';

export const TARGET_CPU_UTILIZATION = 80;

export function autoscalerObject(
  ref: AppRef,
  replicas: { min: number; max: number },
  settings: KubernetesSettings,
): V2HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: appObjectName(ref),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: appObjectName(ref) },
      minReplicas: replicas.min,
      maxReplicas: replicas.max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: TARGET_CPU_UTILIZATION },
          },
        },
      ],
    },
  };
}
