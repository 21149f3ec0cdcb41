/**
 * An app's output for log capture: every pod of its Deployment, followed with the kubelet's
 * timestamps, pods that come with a rollout or a restart picked up as they appear. The cursor holds
 * the last timestamp of each pod, so a reader resumes after the last line it took from each one.
 * It ends when the Deployment is gone.
 */

import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { Log, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import type { FollowOutputOptions, OutputLine } from '../orchestrator.ts';
import type { KubeApi } from './kube-api.ts';
import { APP_CONTAINER } from './names.ts';

export type PodOutputScope = { namespace: string; name: string; labelSelector: string };

export async function* followPodOutput(
  api: KubeApi,
  scope: PodOutputScope,
  opts: FollowOutputOptions,
  rescanMs = 2000,
): AsyncIterable<OutputLine> {
  const last: Record<string, string> = parseCursor(opts.after);
  const following = new Map<string, AbortController | undefined>();
  const lines: OutputLine[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const push = (line?: OutputLine) => {
    if (line) lines.push(line);
    wake?.();
  };

  const follow = async (pod: string) => {
    const out = new PassThrough();
    createInterface({ input: out, crlfDelay: Number.POSITIVE_INFINITY })
      .on('line', (raw) => {
        const space = raw.indexOf(' ');
        const time = space > 0 ? raw.slice(0, space) : '';
        const after = last[pod];
        if (after && time <= after) return;
        if (time) last[pod] = time;
        push({ line: space > 0 ? raw.slice(space + 1) : raw, time, cursor: JSON.stringify(last) });
      })
      // A stream that ended (the container restarted, the pod went) is looked at again on the next scan.
      .on('close', () => following.delete(pod));
    const controller = await new Log(api.kubeConfig)
      .log(scope.namespace, pod, APP_CONTAINER, out, {
        follow: true,
        timestamps: true,
        ...(last[pod] ? { sinceTime: last[pod] } : {}),
      })
      .catch(() => {
        out.end();
        return undefined;
      });
    if (following.has(pod)) following.set(pod, controller);
    else controller?.abort();
  };

  const scan = async () => {
    const deployment = await api.read<V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: scope.name, namespace: scope.namespace },
    });
    if (!deployment) {
      ended = true;
      return push();
    }
    const { items } = await api.list<V1Pod>('v1', 'Pod', scope.labelSelector, scope.namespace);
    for (const pod of items) {
      const name = pod.metadata?.name;
      const started = pod.status?.containerStatuses?.some((c) => c.state?.running || c.state?.terminated);
      if (!name || !started || following.has(name)) continue;
      following.set(name, undefined);
      void follow(name);
    }
  };

  const timer = setInterval(() => void scan().catch(() => {}), rescanMs);
  const stop = () => push();
  opts.signal.addEventListener('abort', stop, { once: true });
  try {
    await scan();
    while (!opts.signal.aborted) {
      const next = lines.shift();
      if (next) {
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    clearInterval(timer);
    opts.signal.removeEventListener('abort', stop);
    for (const controller of following.values()) controller?.abort();
  }
}

function parseCursor(cursor: string | undefined): Record<string, string> {
  if (!cursor) return {};
  try {
    const parsed = JSON.parse(cursor) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
