/**
 * Follows a Deployment's rollout until it is available or has failed. The Deployment is watched, so
 * progress is seen as it happens; pods are looked at on each event and on a short tick, because a
 * crashing pod changes nothing on the Deployment itself.
 */
import { type V1Deployment, type V1Pod, type V1ReplicaSet, Watch } from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.ts';
import { rolloutState } from './rollout-state.ts';

export type RolloutResult = { available: true } | { available: false; reason: string; pods: V1Pod[] };

export type RolloutWatchOptions = {
  namespace: string;
  name: string;
  labelSelector: string;
  timeoutMs: number;
  /** How often pods are looked at between watch events. */
  pollMs: number;
};

export async function watchRollout(api: KubeApi, opts: RolloutWatchOptions): Promise<RolloutResult> {
  const deadline = Date.now() + opts.timeoutMs;
  let nudge: (() => void) | undefined;
  const watch = await new Watch(api.kubeConfig)
    .watch(
      `/apis/apps/v1/namespaces/${opts.namespace}/deployments`,
      { fieldSelector: `metadata.name=${opts.name}` },
      () => nudge?.(),
      () => {},
    )
    .catch(() => undefined);
  try {
    for (;;) {
      const { deployment, replicaSets, pods } = await snapshot(api, opts);
      if (!deployment)
        return { available: false, reason: 'the Deployment was deleted during the rollout', pods: [] };
      const state = rolloutState(deployment, replicaSets, pods);
      if (state.done) return { available: true };
      if (state.failed) return { available: false, reason: state.failed, pods };
      if (Date.now() > deadline) {
        const seconds = Math.round(opts.timeoutMs / 1000);
        return { available: false, reason: `the app did not become available within ${seconds} s`, pods };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.pollMs);
        nudge = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    watch?.abort();
  }
}

async function snapshot(api: KubeApi, opts: RolloutWatchOptions) {
  const [deployment, replicaSets, pods] = await Promise.all([
    api.read<V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: opts.name, namespace: opts.namespace },
    }),
    api.list<V1ReplicaSet>('apps/v1', 'ReplicaSet', opts.labelSelector, opts.namespace),
    api.list<V1Pod>('v1', 'Pod', opts.labelSelector, opts.namespace),
  ]);
  return { deployment, replicaSets: replicaSets.items, pods: pods.items };
}
