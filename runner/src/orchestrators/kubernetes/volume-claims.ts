/** A PersistentVolumeClaim per writeable path, named per seed 004: found again on redeploy, removed with the app. */
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { type AppRef, volumeName } from '../orchestrator.ts';
import { ANNOTATION, appLabels, namespaceName } from './names.ts';
import type { KubernetesSettings } from './settings.ts';

export const DEFAULT_VOLUME_SIZE = '1Gi';

export function volumeClaimObject(
  ref: AppRef,
  path: string,
  settings: KubernetesSettings,
  size = DEFAULT_VOLUME_SIZE,
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: volumeName(ref, path),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
      annotations: { [ANNOTATION.volumePath]: path },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
      resources: { requests: { storage: size } },
    },
  };
}
