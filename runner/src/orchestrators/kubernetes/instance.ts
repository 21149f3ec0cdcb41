/** What a Deployment says about the app it runs, as the runner reports an instance. */
import type { V1Deployment } from '@kubernetes/client-node';
import type { Instance, InstanceState } from '../orchestrator.ts';
import { ANNOTATION, APP_PORT, refFromLabels } from './names.ts';

export function instanceOf(deployment: V1Deployment): Instance | undefined {
  const { metadata } = deployment;
  const ref = refFromLabels(metadata?.labels);
  if (!ref || !metadata?.name || !metadata.namespace) return undefined;
  const annotations = metadata.annotations ?? {};
  const created = metadata.creationTimestamp;
  return {
    ref,
    deploymentId: annotations[ANNOTATION.deployment] ?? '',
    version: annotations[ANNOTATION.version] ?? '',
    state: stateOf(deployment),
    id: `${metadata.namespace}/${metadata.name}`,
    // The runner runs in the cluster: the Service's name resolves there.
    url: `http://${metadata.name}.${metadata.namespace}.svc.cluster.local:${APP_PORT}`,
    ...(created ? { startedAt: new Date(created).toISOString() } : {}),
  };
}

function stateOf({ metadata, spec, status }: V1Deployment): InstanceState {
  const desired = spec?.replicas ?? 1;
  if (desired === 0) return 'stopped';
  const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False') return 'failed';
  const observed = (status?.observedGeneration ?? 0) >= (metadata?.generation ?? 0);
  const available = status?.availableReplicas ?? 0;
  if (observed && available >= desired && (status?.updatedReplicas ?? 0) >= desired) return 'running';
  return available > 0 ? 'running' : 'starting';
}
