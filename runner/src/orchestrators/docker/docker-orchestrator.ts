/**
 * Runs apps as hardened containers on one Docker engine. Everything it needs to
 * know lives on the engine as labels, so after a runner or engine restart
 * `list()` rediscovers the same apps; containers restart with the engine
 * (`unless-stopped`), and calls wait for an engine that went away to come back.
 */
import { randomBytes } from 'node:crypto';
import type { Capability } from '@cameleer/shared';
import Docker from 'dockerode';
import { TypedEmitter } from '../../typed-emitter.ts';
import type { JavaSearch } from '../java-on-path.ts';
import {
  type AppRef,
  type BuiltImage,
  DeployFailed,
  type DeploySpec,
  type FollowOutputOptions,
  type ImageBuildSpec,
  type Instance,
  type InstanceState,
  type Orchestrator,
  type OrchestratorChange,
  type OutputLine,
  type Progress,
  type RunnerAddress,
  volumeName,
} from '../orchestrator.ts';
import { collect, demuxLines } from './container-logs.ts';
import { followContainerOutput } from './container-output.ts';
import { watchEngine } from './engine-watch.ts';
import { waitHealthy } from './health-check.ts';
import { buildAppImage } from './image-builder.ts';
import { defaultImagesKept, pruneAppImages } from './image-retention.ts';
import {
  APP_PORT,
  containerLabels,
  LABEL,
  labelFilter,
  networkName,
  refFromLabels,
  refLabels,
} from './labels.ts';
import { joinAppNetworks, joinNetwork } from './network-join.ts';
import { giveVolumesToAppUser, type VolumeMount } from './volume-owner.ts';

export type DockerOrchestratorOptions = {
  /** The engine; `new Docker()` (DOCKER_HOST or the default socket) unless given. */
  docker?: Docker;
  /** Apps are routed by Traefik at `{app}.{env}.{tenant}.{domain}`. */
  domain: string;
  /** The Traefik container (name or id) joined to each app network, when Traefik runs on this engine too. */
  traefikContainer?: string;
  /**
   * The runner's own container, when it runs in one on this engine: joined to each app network, and
   * apps reach its telemetry intake by this name instead of the host's gateway (no published port).
   */
  runnerContainer?: string;
  /** Called once the new instance is healthy and before the old one stops: traffic goes there now. */
  onSwitch?: (instance: Instance) => void | Promise<void>;
  /** Pause between the switch and stopping the old instance, so its in-flight requests finish. */
  drainMs?: number;
  /** SIGTERM → SIGKILL grace when stopping a container. */
  stopTimeoutSeconds?: number;
  /** How long a call waits for an engine that went away before it throws `EngineUnavailable`. */
  reconnectTimeoutMs?: number;
  /** Size of the tmpfs at /tmp (the root filesystem is read-only). */
  tmpSize?: string;
  /** Engine health poll of `watchEngine()`. */
  pingIntervalMs?: number;
  /** How long a ping of `watchEngine()` may take before the engine counts as down. */
  pingTimeoutMs?: number;
  /** Images kept per app for quick rollbacks (default 3); older ones are removed after a deploy. */
  imagesKept?: number;
  /** What the runner offers the edge; Docker alone unless a `java` is also at hand. */
  capabilities?: Capability[];
  /** Where the JDK that makes the default base image is looked for (the runner's JAVA_HOME and PATH). */
  jdk?: JavaSearch;
};

export class EngineUnavailable extends Error {
  override name = 'EngineUnavailable';
}

export type EngineEvents = {
  /** The engine stopped answering. */
  'engine-down': { error: string };
  /** The engine answers again; what runs on it now, rediscovered by label. */
  'engine-up': { instances: Instance[] };
};

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export class DockerOrchestrator extends TypedEmitter<EngineEvents> implements Orchestrator {
  readonly kind = 'docker';
  readonly docker: Docker;
  readonly capabilities: readonly Capability[];
  /** Containers reach the host through its gateway (`ExtraHosts` below), or the runner's container by name. */
  readonly runnerAddress: RunnerAddress;
  readonly maxReplicas = 1;
  /** Containers of a deployment in progress that have not passed their health check. */
  private readonly starting = new Set<string>();
  private stopWatching: (() => void) | undefined;
  /** Listeners of `watchChanges`: the engine is watched while there is one. */
  private changeWatchers = 0;

  constructor(private readonly options: DockerOrchestratorOptions) {
    super();
    this.docker = options.docker ?? new Docker();
    this.capabilities = options.capabilities ?? ['docker'];
    this.runnerAddress = { bindHost: '0.0.0.0', urlHost: options.runnerContainer ?? 'host.docker.internal' };
  }

  /** The version's image on this engine, only its own layer rebuilt. */
  prepareImage(spec: ImageBuildSpec, progress: Progress): Promise<BuiltImage> {
    return buildAppImage(this.docker, spec, progress, this.options.jdk);
  }

  /** A container's stdout and stderr, resumable by Docker's timestamp. */
  followOutput(instance: Instance, opts: FollowOutputOptions): AsyncIterable<OutputLine> {
    return followContainerOutput(this.docker, instance.id, opts);
  }

  /** The engine is watched while anyone listens: each time it is back, what runs on it is rediscovered. */
  watchChanges(listener: (change: OrchestratorChange) => void): () => void {
    const off = this.on('engine-up', ({ instances }) => listener({ instances }));
    this.changeWatchers++;
    this.watchEngine();
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      off();
      if (--this.changeWatchers === 0) this.unwatchEngine();
    };
  }

  async close(): Promise<void> {
    this.changeWatchers = 0;
    this.unwatchEngine();
  }

  async deploy(spec: DeploySpec, progress: Progress): Promise<Instance> {
    const { image, ref } = spec;
    if (!image) throw new Error('DockerOrchestrator.deploy needs spec.image');
    const previous = await this.engine(() => this.containerIds(ref));
    const network = await this.ensureNetwork(ref);
    const binds = await this.ensureVolumes(ref, spec.writeableVolumes, image);

    const container = await this.engine(() =>
      this.docker.createContainer({
        name: `cameleer-${ref.tenant}-${ref.environment}-${ref.app}-${randomBytes(4).toString('hex')}`,
        Image: image,
        Env: Object.entries({ ...spec.env, PORT: String(APP_PORT), SERVER_PORT: String(APP_PORT) }).map(
          ([k, v]) => `${k}=${v}`,
        ),
        Labels: containerLabels(spec, this.options.domain),
        ExposedPorts: { [`${APP_PORT}/tcp`]: {} },
        StopTimeout: this.options.stopTimeoutSeconds ?? 10,
        HostConfig: {
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${this.options.tmpSize ?? '256m'}` },
          CapDrop: ['ALL'],
          SecurityOpt: ['no-new-privileges'],
          PidsLimit: spec.resources.pids,
          Memory: spec.resources.memoryMb * 1024 * 1024,
          MemorySwap: spec.resources.memoryMb * 1024 * 1024,
          NanoCpus: Math.round(spec.resources.cpus * 1e9),
          RestartPolicy: { Name: 'unless-stopped' },
          PortBindings: { [`${APP_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
          Binds: binds,
          NetworkMode: network,
          // The runner's telemetry intake, as apps reach the host (the OTEL_* variables name it).
          ExtraHosts: ['host.docker.internal:host-gateway'],
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [ref.app] } } },
      }),
    );
    this.starting.add(container.id);
    try {
      await this.engine(() => container.start());
      const started = await this.inspect(container.id);
      progress(`container ${container.id.slice(0, 12)} started at ${started.url ?? '(no port)'}`);
      const health = await waitHealthy({
        url: started.url ?? `http://127.0.0.1:${APP_PORT}`,
        path: spec.healthCheck.httpPath,
        timeoutSeconds: spec.healthCheck.timeoutSeconds,
        exited: () => this.exitReason(container.id),
      });
      if (!health.healthy) {
        const lastLogLines = await this.lastLines(container.id, 50);
        await this.removeContainer(container.id);
        progress(`deployment ${spec.deploymentId} failed: ${health.reason}`);
        throw new DeployFailed(`${spec.deploymentId} did not become healthy: ${health.reason}`, lastLogLines);
      }
    } catch (err) {
      if (!(err instanceof DeployFailed)) await this.removeContainer(container.id).catch(() => {});
      throw err;
    } finally {
      this.starting.delete(container.id);
    }

    const instance = await this.inspect(container.id);
    progress(`healthy at ${instance.url}`);
    await this.options.onSwitch?.(instance);
    if (previous.length > 0) {
      await sleep(this.options.drainMs ?? 1000);
      for (const id of previous) {
        progress(`stopping previous container ${id.slice(0, 12)}`);
        await this.removeContainer(id, true);
      }
    }
    await this.engine(() =>
      pruneAppImages(this.docker, ref, this.options.imagesKept ?? defaultImagesKept),
    ).catch((err: Error) => progress(`could not prune old images: ${err.message}`));
    return instance;
  }

  async stop(ref: AppRef): Promise<void> {
    for (const id of await this.engine(() => this.containerIds(ref))) {
      await this.engine(() => this.docker.getContainer(id).stop()).catch(ignoreStatus(304, 404));
    }
  }

  async restart(ref: AppRef): Promise<Instance> {
    const current = await this.status(ref);
    if (!current) throw new Error(`${ref.tenant}/${ref.environment}/${ref.app} is not deployed`);
    const container = this.docker.getContainer(current.id);
    await this.engine(() => container.restart());
    const info = await this.engine(() => container.inspect());
    const restarted = await this.inspect(current.id);
    const health = await waitHealthy({
      url: restarted.url ?? '',
      path: info.Config.Labels[LABEL.healthPath],
      timeoutSeconds: Number(info.Config.Labels[LABEL.healthTimeout] ?? 60),
      exited: () => this.exitReason(current.id),
    });
    const instance = await this.inspect(current.id);
    return health.healthy ? instance : { ...instance, state: 'failed' };
  }

  async remove(ref: AppRef): Promise<void> {
    for (const id of await this.engine(() => this.containerIds(ref))) await this.removeContainer(id);
    const { Volumes } = await this.engine(() =>
      this.docker.listVolumes({ filters: { label: labelFilter(ref) } }),
    );
    for (const volume of Volumes ?? []) {
      await this.engine(() => this.docker.getVolume(volume.Name).remove()).catch(ignoreStatus(404));
    }
    await this.engine(() => pruneAppImages(this.docker, ref, 0));
  }

  async status(ref: AppRef): Promise<Instance | undefined> {
    const ids = await this.engine(() => this.containerIds(ref));
    const instances = await Promise.all(ids.map((id) => this.inspect(id)));
    // The serving one first: running beats starting beats the rest, then the newest.
    const rank = (i: Instance) => ['running', 'starting', 'failed', 'stopped'].indexOf(i.state);
    return instances.sort(
      (a, b) => rank(a) - rank(b) || (b.startedAt ?? '').localeCompare(a.startedAt ?? ''),
    )[0];
  }

  async *logs(
    ref: AppRef,
    opts: { tail: number; follow: boolean; signal?: AbortSignal },
  ): AsyncIterable<string> {
    const current = await this.status(ref);
    if (!current) return;
    const container = this.docker.getContainer(current.id);
    if (!opts.follow) {
      yield* demuxLines([
        await this.engine(() => container.logs({ stdout: true, stderr: true, tail: opts.tail })),
      ]);
      return;
    }
    const stream = await this.engine(() =>
      container.logs({ stdout: true, stderr: true, tail: opts.tail, follow: true }),
    );
    const destroy = () => (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
    opts.signal?.addEventListener('abort', destroy, { once: true });
    try {
      if (opts.signal?.aborted) return;
      yield* demuxLines(stream as AsyncIterable<Buffer>);
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    } finally {
      opts.signal?.removeEventListener('abort', destroy);
      destroy();
    }
  }

  async list(): Promise<Instance[]> {
    const containers = await this.engine(() =>
      this.docker.listContainers({ all: true, filters: { label: labelFilter() } }),
    );
    const instances = await Promise.all(containers.map((c) => this.inspect(c.Id).catch(() => undefined)));
    // Listing runs often (inventory, log capture): a recreated Traefik or runner container is joined
    // again within moments. A failure here is not the listing's; the next deploy reports it.
    for (const joiner of this.networkJoiners()) {
      await joinAppNetworks(this.docker, joiner, labelFilter()).catch(() => undefined);
    }
    return instances.filter((i): i is Instance => i !== undefined);
  }

  /** Watches the engine and emits `engine-down`, then `engine-up` with the rediscovered instances. */
  watchEngine(): void {
    if (this.stopWatching) return;
    this.stopWatching = watchEngine(
      this.docker,
      {
        pingIntervalMs: this.options.pingIntervalMs ?? 2000,
        pingTimeoutMs: this.options.pingTimeoutMs ?? 2000,
      },
      {
        down: (error) => this.emit('engine-down', { error }),
        up: async () => this.emit('engine-up', { instances: await this.list() }),
      },
    );
  }

  unwatchEngine(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** Runs an engine call, retrying while the engine is unreachable (restarting) up to the reconnect timeout. */
  private async engine<T>(call: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.options.reconnectTimeoutMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (!code || !CONNECTION_ERRORS.has(code)) throw err;
        if (Date.now() > deadline) throw new EngineUnavailable(`Docker engine unreachable: ${code}`);
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  private async containerIds(ref: AppRef): Promise<string[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: labelFilter(ref) } });
    return containers.map((c) => c.Id);
  }

  private async inspect(id: string): Promise<Instance> {
    const info = await this.engine(() => this.docker.getContainer(id).inspect());
    const labels = info.Config.Labels ?? {};
    const ref = refFromLabels(labels);
    if (!ref) throw new Error(`container ${id} has no cameleer labels`);
    const url = instanceUrl(info, this.options.runnerContainer);
    return {
      ref,
      deploymentId: labels[LABEL.deployment] ?? '',
      version: labels[LABEL.version] ?? '',
      state: this.starting.has(info.Id) && info.State.Running ? 'starting' : stateOf(info.State),
      id: info.Id,
      ...(url ? { url } : {}),
      ...(info.State.StartedAt && !info.State.StartedAt.startsWith('0001')
        ? { startedAt: info.State.StartedAt }
        : {}),
    };
  }

  /** Why a starting container is no longer running, if it is not. */
  private async exitReason(id: string): Promise<string | undefined> {
    const { State, RestartCount } = await this.engine(() => this.docker.getContainer(id).inspect());
    if (State.Running && !State.Restarting && RestartCount === 0) return undefined;
    return `container exited with code ${State.ExitCode}${State.Error ? ` (${State.Error})` : ''}`;
  }

  private async lastLines(id: string, tail: number): Promise<string[]> {
    try {
      const buffer = await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail });
      return await collect(demuxLines([buffer]));
    } catch {
      return [];
    }
  }

  private async removeContainer(id: string, graceful = false): Promise<void> {
    const container = this.docker.getContainer(id);
    if (graceful) await this.engine(() => container.stop()).catch(ignoreStatus(304, 404));
    await this.engine(() => container.remove({ force: true })).catch(ignoreStatus(404, 409));
  }

  private async ensureNetwork(ref: AppRef): Promise<string> {
    const name = networkName(ref);
    const existing = await this.engine(() => this.docker.listNetworks({ filters: { name: [name] } }));
    if (!existing.some((n) => n.Name === name)) {
      await this.engine(() =>
        this.docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          CheckDuplicate: true,
          Labels: {
            [LABEL.managed]: 'true',
            [LABEL.tenant]: ref.tenant,
            [LABEL.environment]: ref.environment,
          },
        }),
      ).catch(ignoreStatus(409));
    }
    for (const joiner of this.networkJoiners())
      await this.engine(() => joinNetwork(this.docker, joiner, name));
    return name;
  }

  private networkJoiners(): { container: string; setting: string }[] {
    const { traefikContainer, runnerContainer } = this.options;
    return [
      ...(traefikContainer ? [{ container: traefikContainer, setting: 'CAMELEER_TRAEFIK_CONTAINER' }] : []),
      ...(runnerContainer ? [{ container: runnerContainer, setting: 'CAMELEER_RUNNER_CONTAINER' }] : []),
    ];
  }

  /** Named volumes of seed 004: existing ones are reused, so state survives redeploys; new ones go to the app user. */
  private async ensureVolumes(ref: AppRef, paths: string[], image: string): Promise<string[]> {
    const fresh: VolumeMount[] = [];
    for (const path of paths) {
      const name = volumeName(ref, path);
      const exists = await this.engine(() => this.docker.getVolume(name).inspect()).then(
        () => true,
        (err) => {
          ignoreStatus(404)(err);
          return false;
        },
      );
      if (exists) continue;
      await this.engine(() =>
        this.docker.createVolume({ Name: name, Labels: { ...refLabels(ref), [LABEL.volumePath]: path } }),
      );
      fresh.push({ name, path });
    }
    await this.engine(() => giveVolumesToAppUser(this.docker, image, fresh)).catch(async (err) => {
      // Removed, so the next deploy creates them again and retries the hand-over.
      const volumes = fresh.map(({ name }) => this.docker.getVolume(name));
      await Promise.all(volumes.map((volume) => volume.remove().catch(() => undefined)));
      throw err;
    });
    return paths.map((path) => `${volumeName(ref, path)}:${path}:rw`);
  }
}

function stateOf(state: {
  Status: string;
  Running: boolean;
  Restarting: boolean;
  ExitCode: number;
}): InstanceState {
  if (state.Restarting) return 'failed';
  if (state.Running) return 'running';
  if (state.Status === 'created') return 'starting';
  // 143: SIGTERM from `docker stop` (or the engine shutting down), a clean stop for a JVM.
  return state.ExitCode === 0 || state.ExitCode === 143 ? 'stopped' : 'failed';
}

function ignoreStatus(...codes: number[]): (err: unknown) => void {
  return (err) => {
    if (!codes.includes((err as { statusCode?: number }).statusCode ?? 0)) throw err;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Where the runner reaches an instance: its published loopback port, or, when the runner runs in a
 * container joined to the app networks (CAMELEER_RUNNER_CONTAINER), the container by name on those
 * networks, since the host's loopback is not the runner's there.
 */
export function instanceUrl(
  info: { Name?: string; NetworkSettings: { Ports?: Record<string, { HostPort: string }[] | null> } },
  runnerContainer: string | undefined,
): string | undefined {
  const name = info.Name?.replace(/^\//, '');
  if (runnerContainer && name) return `http://${name}:${APP_PORT}`;
  const port = info.NetworkSettings.Ports?.[`${APP_PORT}/tcp`]?.[0]?.HostPort;
  return port ? `http://127.0.0.1:${port}` : undefined;
}
