/**
 * The Job controller of the Kubernetes API stand-in: a Job gets one pod (its template, with the
 * `job-name`, `batch.kubernetes.io/job-name` and `controller-uid` labels and the Job as owner), the
 * pod is Pending for a moment and then Running, and once its container terminated the Job counts it
 * (`succeeded`/`failed`) and says so in its conditions (`SuccessCriteriaMet` + `Complete`, or
 * `FailureTarget` + `Failed` with `BackoffLimitExceeded`, since the runner's Jobs never retry).
 */
import { randomBytes } from 'node:crypto';
import type { KubeApiStandIn, KubeObject } from './kube-api-stand-in.ts';

type Terminated = { exitCode: number; reason: string };

export class JobController {
  /** Milliseconds a new build pod stays Pending (scheduling, pulling the executor image). */
  pendingMs = 20;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly api: KubeApiStandIn) {}

  nudge(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const job of this.api.all('jobs')) this.reconcile(job);
    }, 5);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private reconcile(job: KubeObject): void {
    const ns = job.metadata.namespace ?? '';
    const status = (job.status ?? {}) as { conditions?: { type: string }[] };
    if (status.conditions?.some((c) => c.type === 'Complete' || c.type === 'Failed')) return;
    const pods = this.api
      .all('pods', ns)
      .filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid));
    const pod = pods[0];
    if (!pod) {
      this.startPod(job);
      return;
    }
    const terminated = containerStatus(pod)?.state?.terminated as Terminated | undefined;
    const now = new Date().toISOString();
    const started = { startTime: (job.status as { startTime?: string } | undefined)?.startTime ?? now };
    if (!terminated) {
      const ready = pod.status?.phase === 'Running' ? 1 : 0;
      this.setStatus(job, { ...started, active: 1, ready, terminating: 0 });
      return;
    }
    const ok = terminated.exitCode === 0;
    this.setStatus(job, {
      ...started,
      active: 0,
      ready: 0,
      terminating: 0,
      ...(ok ? { succeeded: 1, completionTime: now } : { failed: 1 }),
      conditions: ok
        ? [
            condition(
              'SuccessCriteriaMet',
              'CompletionsReached',
              'Reached expected number of succeeded pods',
            ),
            condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
          ]
        : [
            condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
            condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
          ],
    });
  }

  private startPod(job: KubeObject): void {
    const ns = job.metadata.namespace ?? '';
    const template = (job.spec?.template ?? {}) as {
      metadata?: { labels?: Record<string, string> };
      spec?: { containers?: { name: string; image?: string }[] };
    };
    const name = `${job.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const container = template.spec?.containers?.[0];
    const waiting = { waiting: { reason: 'ContainerCreating' } };
    const pod = this.api.put(
      'pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: ns,
          labels: {
            ...template.metadata?.labels,
            'job-name': job.metadata.name,
            'batch.kubernetes.io/job-name': job.metadata.name,
            'controller-uid': job.metadata.uid ?? '',
            'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '',
          },
          ownerReferences: [{ kind: 'Job', name: job.metadata.name, uid: job.metadata.uid ?? '' }],
        },
        spec: { ...template.spec, nodeName: 'stand-in-node' },
        status: {
          phase: 'Pending',
          containerStatuses: [
            { name: container?.name ?? '', image: container?.image, ready: false, state: waiting },
          ],
        },
      },
      'ADDED',
    );
    // An executor image the test made unpullable keeps the pod Pending, as the kubelet's back-off does.
    if (this.api.controller.behaviours.get(container?.image ?? '') === 'ImagePullBackOff') {
      const reason = {
        waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container?.image}"` },
      };
      this.api.put(
        'pods',
        {
          ...pod,
          status: {
            phase: 'Pending',
            containerStatuses: [
              { name: container?.name ?? '', image: container?.image, ready: false, state: reason },
            ],
          },
        },
        'MODIFIED',
      );
      return;
    }
    setTimeout(() => {
      const fresh = this.api.get('pods', ns, pod.metadata.name);
      if (!fresh || this.stopped) return;
      this.api.put(
        'pods',
        {
          ...fresh,
          status: {
            phase: 'Running',
            startTime: new Date().toISOString(),
            conditions: [{ type: 'Ready', status: 'True' }],
            containerStatuses: [
              {
                name: container?.name ?? '',
                image: container?.image,
                ready: true,
                state: { running: { startedAt: new Date().toISOString() } },
              },
            ],
          },
        },
        'MODIFIED',
      );
    }, this.pendingMs);
  }

  private setStatus(job: KubeObject, status: Record<string, unknown>): void {
    if (JSON.stringify(job.status) === JSON.stringify(status)) return;
    this.api.put('jobs', { ...job, status }, 'MODIFIED');
  }
}

function condition(type: string, reason: string, message: string) {
  const now = new Date().toISOString();
  return { type, status: 'True', reason, message, lastProbeTime: now, lastTransitionTime: now };
}

function containerStatus(pod: KubeObject): { state?: { terminated?: unknown } } | undefined {
  return (pod.status as { containerStatuses?: { state?: { terminated?: unknown } }[] } | undefined)
    ?.containerStatuses?.[0];
}
