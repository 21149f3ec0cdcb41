/** Why pods of a rollout do not become ready, in words a person can act on. */
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';

/** A reason that will not fix itself: the rollout has failed. */
export function podFailure(pods: readonly V1Pod[], replicaSet?: V1ReplicaSet): string | undefined {
  const quota = replicaSet?.status?.conditions?.find(
    (c) => c.type === 'ReplicaFailure' && c.status === 'True' && /exceeded quota/i.test(c.message ?? ''),
  );
  if (quota)
    return `the environment's resource quota is used up, so no pod could be created (${quota.message})`;
  for (const pod of pods) {
    const reason = oneFailure(pod);
    if (reason) return reason;
  }
  return undefined;
}

function oneFailure(pod: V1Pod): string | undefined {
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
  if (unschedulable) {
    return `no node has room for the app (Unschedulable): ${unschedulable.message ?? 'no message'}`;
  }
  for (const container of pod.status?.containerStatuses ?? []) {
    const waiting = container.state?.waiting;
    const terminated = container.state?.terminated ?? container.lastState?.terminated;
    if (terminated?.reason === 'OOMKilled') {
      return 'the app ran out of memory and was killed (OOMKilled): give it more memory';
    }
    if (waiting?.reason === 'ImagePullBackOff' || waiting?.reason === 'ErrImagePull') {
      return `the image ${container.image} could not be pulled (${waiting.reason}): check the image reference and the registry credentials${waiting.message ? ` (${waiting.message})` : ''}`;
    }
    if (waiting?.reason === 'CrashLoopBackOff') {
      const code = terminated?.exitCode;
      return `the app keeps crashing on start (CrashLoopBackOff${code === undefined ? '' : `, exit code ${code}`}): see its last log lines`;
    }
    if (waiting?.reason === 'CreateContainerConfigError' || waiting?.reason === 'InvalidImageName') {
      return `the app's container could not be created (${waiting.reason}): ${waiting.message ?? 'no message'}`;
    }
  }
  return undefined;
}
