/**
 * Runs apps as Deployments in a Kubernetes cluster, one namespace per tenant and environment.
 * Everything it needs to know lives on the objects (labels, annotations), so a restarted runner finds
 * its apps again by label. A deploy is a rolling update watched to completion; a failed one is rolled
 * back to the previous ReplicaSet's template, so the old version keeps serving. A version's image
 * is prebuilt, or built by a Kaniko Job in the runner's namespace (`kaniko-build.ts`).
 */
import type { Capability } from '@cameleer/shared';
import type { V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import {
  type AppRef,
  type BuiltImage,
  DeployFailed,
  type DeploySpec,
  type FollowOutputOptions,
  type ImageBuildSpec,
  type Instance,
  type Orchestrator,
  type OrchestratorChange,
  type OutputLine,
  type Progress,
  type RunnerAddress,
} from '../orchestrator.ts';
import { autoscalerObject } from './autoscaler-object.ts';
import { configMapObject, secretObject, splitEnv } from './config-objects.ts';
import { deploymentObject } from './deployment-object.ts';
import { watchDeployments } from './deployment-watch.ts';
import { type ImageSource, referencedImage } from './image-reference.ts';
import { instanceOf } from './instance.ts';
import { buildWithKaniko, type ContextSource, type KanikoSettings } from './kaniko-build.ts';
import type { KubeApi } from './kube-api.ts';
import { ANNOTATION, appLabels, appObjectName, labelSelector, namespaceName } from './names.ts';
import { prepareNamespace } from './namespace-setup.ts';
import { followPodLogs, tailPodLogs } from './pod-logs.ts';
import { followPodOutput } from './pod-output.ts';
import { previousReplicaSet, TEMPLATE_HASH } from './rollout-state.ts';
import { watchRollout } from './rollout-watch.ts';
import { ingressObject, serviceObject } from './routing-objects.ts';
import type { KubernetesSettings } from './settings.ts';
import { volumeClaimObject } from './volume-claims.ts';

export type KubernetesOrchestratorOptions = {
  api: KubeApi;
  settings: KubernetesSettings;
  /** A prebuilt image (`template`), or the registry Kaniko Jobs push the versions' images to. */
  image?: ImageSource;
  /** How images are built in the cluster when only a registry is given. */
  build?: Omit<KanikoSettings, 'registry' | 'namespace'> & { context?: ContextSource };
  /** The namespace the runner runs in: the image pull secret is copied from it, and images are built in it. */
  runnerNamespace?: string;
  /** Host name apps reach the runner's telemetry intake at. */
  runnerHost?: string;
  onSwitch?: (instance: Instance) => void | Promise<void>;
  /** How often a rollout's pods are looked at between watch events. */
  rolloutPollMs?: number;
  /** How often log capture looks for new pods of an app. */
  outputRescanMs?: number;
  /** Time for a rollout beyond the health check's own. */
  rolloutMarginMs?: number;
  watchRetryMs?: number;
};

const failedLogLines = 20;

export class KubernetesOrchestrator implements Orchestrator {
  readonly kind = 'kubernetes';
  readonly capabilities: readonly Capability[] = ['kubernetes'];
  readonly runnerAddress: RunnerAddress;
  readonly maxReplicas: number;
  private readonly api: KubeApi;
  private readonly settings: KubernetesSettings;
  private readonly watches = new Set<() => void>();
  /** Builds under way, by image: a second deploy of the version waits for the first one's. */
  private readonly builds = new Map<string, Promise<BuiltImage>>();

  constructor(private readonly options: KubernetesOrchestratorOptions) {
    this.api = options.api;
    this.settings = options.settings;
    this.maxReplicas = Math.max(options.settings.replicas, options.settings.maxReplicas ?? 0);
    this.runnerAddress = {
      bindHost: '0.0.0.0',
      urlHost: options.runnerHost ?? 'cameleer-runner-intake.cameleer.svc',
    };
  }

  /** The prebuilt image when one is named; otherwise the image a Kaniko Job pushed, or pushes now. */
  async prepareImage(spec: ImageBuildSpec, progress: Progress): Promise<BuiltImage> {
    const { template, registry } = this.options.image ?? {};
    if (template || !registry) {
      const image = await referencedImage(this.options.image ?? {}, spec);
      progress(`image ${image.tag}`);
      return image;
    }
    const key = `${registry}/${spec.tenant}/${spec.app}/${spec.version}`;
    const running = this.builds.get(key);
    if (running) {
      progress('waiting for the build of this version already under way');
      return running;
    }
    const { context, ...build } = this.options.build ?? {};
    const settings: KanikoSettings = {
      ...build,
      registry,
      namespace: this.buildNamespace,
      ...(this.settings.imagePullSecret ? { registrySecret: this.settings.imagePullSecret } : {}),
    };
    const pending = buildWithKaniko(this.api, spec, settings, progress, context).finally(() =>
      this.builds.delete(key),
    );
    this.builds.set(key, pending);
    return pending;
  }

  async deploy(spec: DeploySpec, progress: Progress): Promise<Instance> {
    const { image, ref } = spec;
    if (!image) throw new Error('KubernetesOrchestrator.deploy needs spec.image');
    const namespace = await prepareNamespace(this.api, ref, this.settings, this.options.runnerNamespace);
    progress(`namespace ${namespace}`);
    const { plain, secret } = splitEnv(spec.env, spec.secretKeys);
    const configMap = Object.keys(plain).length ? configMapObject(ref, plain, this.settings) : undefined;
    const secretObj = Object.keys(secret).length ? secretObject(ref, secret, this.settings) : undefined;
    if (configMap) await this.api.ensure(configMap);
    if (secretObj) await this.api.ensure(secretObj);
    for (const path of spec.writeableVolumes)
      await this.api.ensure(volumeClaimObject(ref, path, this.settings));

    const existing = await this.readDeployment(ref);
    // An autoscaled app keeps the replicas its autoscaler chose.
    const replicas = (this.autoscaled && existing?.spec?.replicas) || this.settings.replicas;
    await this.api.apply(
      deploymentObject(
        {
          spec: { ...spec, image },
          replicas,
          ...(configMap?.metadata?.name ? { configMap: configMap.metadata.name } : {}),
          ...(secretObj?.metadata?.name ? { secret: secretObj.metadata.name } : {}),
        },
        this.settings,
      ),
    );
    await this.api.apply(serviceObject(ref, this.settings));
    await this.api.apply(ingressObject(ref, spec.private, this.settings));
    await this.applyAutoscaler(ref);
    progress(`rolling out ${appObjectName(ref)} (${replicas} replica${replicas === 1 ? '' : 's'})`);

    const result = await this.rollout(ref, spec.healthCheck.timeoutSeconds);
    if (!result.available) {
      const lastLogLines = await tailPodLogs(this.api, result.pods, failedLogLines);
      progress(`deployment ${spec.deploymentId} failed: ${result.reason}`);
      await this.undo(ref, existing !== undefined, progress);
      throw new DeployFailed(`${spec.deploymentId} did not become available: ${result.reason}`, lastLogLines);
    }
    const instance = await this.status(ref);
    if (!instance) throw new Error(`${namespace}/${appObjectName(ref)} vanished after its rollout`);
    progress(`available at ${instance.url}`);
    await this.options.onSwitch?.(instance);
    return instance;
  }

  async stop(ref: AppRef): Promise<void> {
    const deployment = await this.readDeployment(ref);
    if (!deployment?.spec || deployment.spec.replicas === 0) return;
    // An autoscaler would scale a stopped app up again.
    await this.api.delete(this.autoscalerHeader(ref));
    const annotations = deployment.metadata?.annotations ?? {};
    annotations[ANNOTATION.replicas] = String(deployment.spec.replicas ?? 1);
    await this.api.apply({
      ...deployment,
      metadata: { ...deployment.metadata, annotations },
      spec: { ...deployment.spec, replicas: 0 },
    });
  }

  /** `rollout restart`: a new template annotation, so pods are replaced one by one; stopped apps start again. */
  async restart(ref: AppRef): Promise<Instance> {
    const deployment = await this.readDeployment(ref);
    if (!deployment?.spec) throw new Error(`${ref.tenant}/${ref.environment}/${ref.app} is not deployed`);
    const template = deployment.spec.template;
    const replicas =
      deployment.spec.replicas || Number(deployment.metadata?.annotations?.[ANNOTATION.replicas] ?? 1);
    await this.api.apply({
      ...deployment,
      spec: {
        ...deployment.spec,
        replicas,
        template: {
          ...template,
          metadata: {
            ...template.metadata,
            annotations: {
              ...template.metadata?.annotations,
              [ANNOTATION.restartedAt]: new Date().toISOString(),
            },
          },
        },
      },
    });
    await this.applyAutoscaler(ref);
    const timeout = Number(deployment.metadata?.annotations?.[ANNOTATION.healthTimeout] ?? 60);
    const result = await this.rollout(ref, timeout);
    const instance = await this.status(ref);
    if (!instance) throw new Error(`${ref.tenant}/${ref.environment}/${ref.app} vanished during its restart`);
    return result.available ? instance : { ...instance, state: 'failed' };
  }

  /** The app's objects and its volumes; the namespace stays for the environment's other apps. */
  async remove(ref: AppRef): Promise<void> {
    const namespace = namespaceName(this.settings.namespacePrefix, ref);
    const name = appObjectName(ref);
    await this.api.delete(this.autoscalerHeader(ref));
    await this.api.delete({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace },
    });
    await this.api.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace } });
    await this.api.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } });
    for (const kind of ['ConfigMap', 'Secret', 'PersistentVolumeClaim']) {
      const { items } = await this.api
        .list('v1', kind, labelSelector(ref), namespace)
        .catch(() => ({ items: [] }));
      for (const item of items) {
        await this.api.delete({
          apiVersion: 'v1',
          kind,
          metadata: { name: item.metadata?.name ?? '', namespace },
        });
      }
    }
  }

  async status(ref: AppRef): Promise<Instance | undefined> {
    const deployment = await this.readDeployment(ref);
    return deployment ? instanceOf(deployment) : undefined;
  }

  async *logs(
    ref: AppRef,
    opts: { tail: number; follow: boolean; signal?: AbortSignal },
  ): AsyncIterable<string> {
    const pods = await this.pods(ref);
    if (!opts.follow) {
      yield* await tailPodLogs(this.api, pods, opts.tail);
      return;
    }
    yield* followPodLogs(this.api, pods, {
      tail: opts.tail,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }

  /** Cluster-wide, or namespace by namespace where the runner has Roles only there. */
  async list(): Promise<Instance[]> {
    const scopes = this.settings.namespaces ?? [undefined];
    const lists = await Promise.all(
      scopes.map((ns) => this.api.list<V1Deployment>('apps/v1', 'Deployment', labelSelector(), ns)),
    );
    return lists.flatMap(({ items }) => items.map(instanceOf).filter((i): i is Instance => i !== undefined));
  }

  /** Log capture: every pod of the app, across rollouts and restarts, resumable per pod. */
  followOutput(instance: Instance, opts: FollowOutputOptions): AsyncIterable<OutputLine> {
    const [namespace = '', name = ''] = instance.id.split('/');
    return followPodOutput(
      this.api,
      { namespace, name, labelSelector: labelSelector(instance.ref) },
      opts,
      this.options.outputRescanMs,
    );
  }

  watchChanges(listener: (change: OrchestratorChange) => void): () => void {
    const stops = (this.settings.namespaces ?? [undefined]).map((namespace) =>
      watchDeployments(
        this.api,
        { labelSelector: labelSelector(), ...(namespace ? { namespace } : {}) },
        {
          changed: () => listener({}),
          // Namespace by namespace, a relist knows only its own: the others' are asked for again.
          relisted: async (deployments) =>
            listener({
              instances: this.settings.namespaces
                ? await this.list().catch(() => [])
                : deployments.map(instanceOf).filter((i): i is Instance => i !== undefined),
            }),
        },
        this.options.watchRetryMs,
      ),
    );
    const stop = () => {
      for (const s of stops) s();
    };
    this.watches.add(stop);
    return () => {
      this.watches.delete(stop);
      stop();
    };
  }

  async close(): Promise<void> {
    for (const stop of this.watches) stop();
    this.watches.clear();
  }

  /** The runner's namespace; outside a cluster, the kubeconfig context's. */
  private get buildNamespace(): string {
    const kc = this.api.kubeConfig;
    return (
      this.options.runnerNamespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default'
    );
  }

  private get autoscaled(): boolean {
    return (this.settings.maxReplicas ?? 0) > this.settings.replicas;
  }

  private async applyAutoscaler(ref: AppRef): Promise<void> {
    const { replicas, maxReplicas } = this.settings;
    if (maxReplicas && this.autoscaled) {
      await this.api.apply(autoscalerObject(ref, { min: replicas, max: maxReplicas }, this.settings));
    } else await this.api.delete(this.autoscalerHeader(ref));
  }

  private autoscalerHeader(ref: AppRef) {
    return {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: appObjectName(ref), namespace: namespaceName(this.settings.namespacePrefix, ref) },
    };
  }

  private rollout(ref: AppRef, timeoutSeconds: number) {
    return watchRollout(this.api, {
      namespace: namespaceName(this.settings.namespacePrefix, ref),
      name: appObjectName(ref),
      labelSelector: labelSelector(ref),
      timeoutMs: timeoutSeconds * 1000 + (this.options.rolloutMarginMs ?? 30_000),
      pollMs: this.options.rolloutPollMs ?? 2000,
    });
  }

  /** `rollout undo` to the previous ReplicaSet's template; a first deploy that failed leaves nothing behind. */
  private async undo(ref: AppRef, hadPrevious: boolean, progress: Progress): Promise<void> {
    const deployment = await this.readDeployment(ref);
    if (!deployment?.spec) return;
    const namespace = namespaceName(this.settings.namespacePrefix, ref);
    const { items } = await this.api.list<V1ReplicaSet>(
      'apps/v1',
      'ReplicaSet',
      labelSelector(ref),
      namespace,
    );
    const previous = hadPrevious ? previousReplicaSet(deployment, items) : undefined;
    if (!previous?.spec?.template) {
      progress('no previous version to go back to: the failed one is removed');
      await this.api.delete({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: appObjectName(ref), namespace },
      });
      return;
    }
    const template = previous.spec.template;
    const { [TEMPLATE_HASH]: _hash, ...labels } = template.metadata?.labels ?? appLabels(ref);
    const annotations = template.metadata?.annotations ?? {};
    progress(`rolled back to version ${annotations[ANNOTATION.version] ?? 'before'}`);
    await this.api.apply({
      ...deployment,
      // The Deployment says again what runs: the previous deployment and version.
      metadata: {
        ...deployment.metadata,
        annotations: { ...deployment.metadata?.annotations, ...annotations },
      },
      spec: { ...deployment.spec, template: { ...template, metadata: { ...template.metadata, labels } } },
    });
  }

  private readDeployment(ref: AppRef): Promise<V1Deployment | undefined> {
    return this.api.read<V1Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: appObjectName(ref), namespace: namespaceName(this.settings.namespacePrefix, ref) },
    });
  }

  private async pods(ref: AppRef): Promise<V1Pod[]> {
    const namespace = namespaceName(this.settings.namespacePrefix, ref);
    const { items } = await this.api.list<V1Pod>('v1', 'Pod', labelSelector(ref), namespace);
    return items.filter(
      (pod) =>
        pod.status?.phase === 'Running' ||
        pod.status?.phase === 'Succeeded' ||
        pod.status?.phase === 'Failed',
    );
  }
}
