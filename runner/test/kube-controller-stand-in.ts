/**
 * The Deployment controller, ReplicaSet controller and scheduler of the Kubernetes API stand-in, in
 * one small loop: a Deployment's template gets a ReplicaSet (revision annotated), the ReplicaSet gets
 * pods whose status the test chose for their image, old ReplicaSets are scaled down once the new one
 * is ready (maxUnavailable 0), and the Deployment's status and conditions say where the rollout is.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KubeApiStandIn, KubeObject } from './kube-api-stand-in.ts';

export type PodBehaviour =
  | 'ready'
  | 'never-ready'
  | 'ImagePullBackOff'
  | 'CrashLoopBackOff'
  | 'OOMKilled'
  | 'Unschedulable'
  | 'exceeded-quota';

const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

type Template = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: { image?: string }[] };
};

export class DeploymentController {
  readonly behaviours = new Map<string, PodBehaviour>();
  /** Real seconds of `progressDeadlineSeconds` are this many milliseconds here. */
  msPerDeadlineSecond = 10;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly rolloutStarted = new Map<string, number>();

  constructor(private readonly api: KubeApiStandIn) {}

  nudge(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.reconcile();
    }, 10);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private reconcile(): void {
    let pending = false;
    for (const deployment of this.api.all('deployments')) pending = this.reconcileOne(deployment) || pending;
    // A rollout waiting on its deadline needs another look later, though nothing is written meanwhile.
    if (pending && !this.stopped) setTimeout(() => this.nudge(), 50);
  }

  /** Returns whether the rollout is still in progress. */
  private reconcileOne(deployment: KubeObject): boolean {
    const ns = deployment.metadata.namespace ?? '';
    const template = (deployment.spec?.template ?? {}) as Template;
    const hash = templateHash(template);
    const owned = this.api
      .all('replicasets', ns)
      .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === deployment.metadata.uid));
    const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
    const top = Math.max(0, ...owned.map(revisionOf));
    let current = owned.find((rs) => rs.metadata.labels?.[HASH] === hash);
    const desired = deployment.spec?.replicas ?? 1;
    if (!current || revisionOf(current) !== top) {
      const revision = String(top + 1);
      const labels = { ...template.metadata?.labels, [HASH]: hash };
      current = this.api.put(
        'replicasets',
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${deployment.metadata.name}-${hash}`,
            namespace: ns,
            labels,
            annotations: { [REVISION]: revision },
            ownerReferences: [
              { kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid ?? '' },
            ],
          },
          spec: {
            replicas: desired,
            selector: { matchLabels: labels },
            template: { ...template, metadata: { ...template.metadata, labels } },
          },
          status: {},
        },
        current ? 'MODIFIED' : 'ADDED',
      );
      this.rolloutStarted.set(deployment.metadata.uid ?? '', Date.now());
      this.api.put(
        'deployments',
        {
          ...deployment,
          metadata: {
            ...deployment.metadata,
            annotations: { ...deployment.metadata.annotations, [REVISION]: revision },
          },
        },
        'MODIFIED',
      );
      return true;
    }
    const image = template.spec?.containers?.[0]?.image ?? '';
    const behaviour =
      this.behaviours.get(image) ?? (this.api.kaniko.pullable(image) ? 'ready' : 'ImagePullBackOff');
    const podsOf = (rs: KubeObject) =>
      this.api
        .all('pods', ns)
        .filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
    let newPods = podsOf(current);
    if (behaviour === 'exceeded-quota') {
      this.setStatus('replicasets', current, {
        replicas: 0,
        conditions: [
          {
            type: 'ReplicaFailure',
            status: 'True',
            reason: 'FailedCreate',
            message: `pods "${current.metadata.name}-x" is forbidden: exceeded quota: cameleer-tier, requested: limits.memory=512Mi, used: limits.memory=3072Mi, limited: limits.memory=3072Mi`,
          },
        ],
      });
    } else {
      for (let i = newPods.length; i < desired; i++) this.schedule(current, behaviour, image);
      for (const extra of newPods.slice(desired)) this.api.remove('pods', ns, extra.metadata.name);
      newPods = podsOf(current);
    }
    const isReady = (p: KubeObject) =>
      (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ) ?? false;
    const newReady = newPods.filter(isReady).length;
    const complete = newReady >= desired;
    // With maxUnavailable above 0 (a percentage counts as some), old pods go at once: the simplest
    // controller that still shows what maxUnavailable 0 prevents.
    const strategy = deployment.spec?.strategy as
      | { rollingUpdate?: { maxUnavailable?: number | string } }
      | undefined;
    const maxUnavailable = strategy?.rollingUpdate?.maxUnavailable ?? '25%';
    const mayDropOld = maxUnavailable !== 0 && maxUnavailable !== '0%';
    for (const old of owned.filter((rs) => rs !== current && rs.metadata.uid !== current?.metadata.uid)) {
      if (complete || desired === 0 || mayDropOld) {
        for (const p of podsOf(old)) this.api.remove('pods', ns, p.metadata.name);
        if (old.spec?.replicas !== 0)
          this.api.put('replicasets', { ...old, spec: { ...old.spec, replicas: 0 } }, 'MODIFIED');
      }
    }
    if (current.spec?.replicas !== desired)
      this.api.put('replicasets', { ...current, spec: { ...current.spec, replicas: desired } }, 'MODIFIED');
    const allPods = owned.flatMap(podsOf);
    const ready = allPods.filter(isReady).length;
    const started = this.rolloutStarted.get(deployment.metadata.uid ?? '') ?? Date.now();
    const deadline = Number(deployment.spec?.progressDeadlineSeconds ?? 600) * this.msPerDeadlineSecond;
    const progressing = complete
      ? {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
        }
      : Date.now() - started > deadline
        ? {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${current.metadata.name}" has timed out progressing.`,
          }
        : {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${current.metadata.name}" is progressing.`,
          };
    this.setStatus('deployments', deployment, {
      observedGeneration: deployment.metadata.generation,
      replicas: allPods.length,
      updatedReplicas: newPods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(allPods.length - ready > 0 ? { unavailableReplicas: allPods.length - ready } : {}),
      conditions: [
        {
          type: 'Available',
          status: ready >= desired ? 'True' : 'False',
          reason: ready >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: 'Deployment availability.',
        },
        progressing,
      ],
    });
    return !complete && progressing.status === 'True';
  }

  private setStatus(plural: string, object: KubeObject, status: Record<string, unknown>): void {
    const fresh = this.api.get(plural, object.metadata.namespace, object.metadata.name);
    if (!fresh || JSON.stringify(fresh.status) === JSON.stringify(status)) return;
    this.api.put(plural, { ...fresh, status }, 'MODIFIED');
  }

  private schedule(rs: KubeObject, behaviour: PodBehaviour, image: string): void {
    const ns = rs.metadata.namespace ?? '';
    const name = `${rs.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const template = (rs.spec?.template ?? {}) as Template;
    const now = new Date().toISOString();
    const running = { running: { startedAt: now } };
    const container = (state: unknown, ready: boolean, lastState: unknown = {}) => ({
      name: 'app',
      image,
      imageID: '',
      ready,
      restartCount: lastState ? 3 : 0,
      state,
      lastState,
    });
    // A container that keeps dying, last time with `terminated`: the kubelet backs off its restarts.
    const crashLooping = (terminated: { exitCode: number; reason: string }) => ({
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'False' },
      ],
      containerStatuses: [
        container(
          {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=app' },
          },
          false,
          { terminated },
        ),
      ],
    });
    const statusOf: Record<Exclude<PodBehaviour, 'exceeded-quota'>, Record<string, unknown>> = {
      ready: {
        phase: 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        containerStatuses: [container(running, true)],
      },
      'never-ready': {
        phase: 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
        ],
        containerStatuses: [container(running, false)],
      },
      CrashLoopBackOff: crashLooping({ exitCode: 1, reason: 'Error' }),
      OOMKilled: crashLooping({ exitCode: 137, reason: 'OOMKilled' }),
      ImagePullBackOff: {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
        containerStatuses: [
          container(
            { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } },
            false,
          ),
        ],
      },
      Unschedulable: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message:
              '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
          },
        ],
      },
    };
    if (behaviour === 'exceeded-quota') return;
    this.api.put(
      'pods',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: ns,
          labels: template.metadata?.labels ?? {},
          annotations: template.metadata?.annotations ?? {},
          ownerReferences: [{ kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? '' }],
        },
        spec: {
          ...(template.spec ?? {}),
          nodeName: behaviour === 'Unschedulable' ? undefined : 'stand-in-node',
        },
        status: { ...statusOf[behaviour], startTime: now },
      },
      'ADDED',
    );
    const version = template.metadata?.annotations?.['cameleer.io/version'] ?? '?';
    if (behaviour === 'ready' || behaviour === 'never-ready')
      this.api.appendLog(ns, name, `started version ${version} on ${name}`);
    if (behaviour === 'CrashLoopBackOff')
      this.api.appendLog(
        ns,
        name,
        'Exception in thread "main" java.lang.IllegalStateException: broken on purpose',
      );
    if (behaviour === 'OOMKilled')
      this.api.appendLog(ns, name, 'java.lang.OutOfMemoryError: Java heap space');
  }
}

/** Stable over key order: a template sent back (rollout undo) hashes as it did before. */
function templateHash(template: Template): string {
  const { [HASH]: _ignored, ...labels } = template.metadata?.labels ?? {};
  const normalised = { ...template, metadata: { ...template.metadata, labels } };
  return createHash('sha256').update(stableJson(normalised)).digest('hex').slice(0, 10);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
