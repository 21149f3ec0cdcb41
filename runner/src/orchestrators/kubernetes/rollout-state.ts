/**
 * Where a Deployment's rollout stands, judged the way `kubectl rollout status` does, plus the pods'
 * own reasons so a broken version fails at once instead of at the progress deadline.
 */
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { podFailure } from './pod-reasons.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const TEMPLATE_HASH = 'pod-template-hash';

export type RolloutState = { done: true } | { done: false; failed?: string };

export function rolloutState(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
  pods: readonly V1Pod[],
): RolloutState {
  const { spec, status, metadata } = deployment;
  const desired = spec?.replicas ?? 1;
  const observed = (status?.observedGeneration ?? 0) >= (metadata?.generation ?? 0);
  // Until the controller has seen the new spec, the revision still names the old ReplicaSet.
  if (!observed) return { done: false };
  const current = newReplicaSet(deployment, replicaSets);
  const hash = current?.metadata?.labels?.[TEMPLATE_HASH];
  const failure = podFailure(
    pods.filter((pod) => hash && pod.metadata?.labels?.[TEMPLATE_HASH] === hash),
    current,
  );
  if (failure) return { done: false, failed: failure };
  const progressing = status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { done: false, failed: 'the app did not become ready in time: its readiness check never passed' };
  }
  const updated = status?.updatedReplicas ?? 0;
  const available = status?.availableReplicas ?? 0;
  const total = status?.replicas ?? 0;
  if (updated >= desired && total <= updated && available >= updated) return { done: true };
  return { done: false };
}

/** The ReplicaSet of the Deployment's current revision. */
export function newReplicaSet(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet | undefined {
  const revision = deployment.metadata?.annotations?.[REVISION];
  return replicaSets.find((rs) => revision && rs.metadata?.annotations?.[REVISION] === revision);
}

/** `rollout undo`: the ReplicaSet of the revision before the current one, if the Deployment had one. */
export function previousReplicaSet(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): V1ReplicaSet | undefined {
  const current = Number(deployment.metadata?.annotations?.[REVISION] ?? 0);
  const revisionOf = (rs: V1ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);
  return replicaSets
    .filter((rs) => revisionOf(rs) < current)
    .sort((a, b) => revisionOf(b) - revisionOf(a))[0];
}
