import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Capability } from '@cameleer/shared';
import { type Logger, silentLogger } from '../../logger.ts';
import { TypedEmitter } from '../../typed-emitter.ts';
import { findJava } from '../java-on-path.ts';
import {
  type AppRef,
  DeployFailed,
  type DeploySpec,
  type FollowOutputOptions,
  type Instance,
  type InstanceState,
  type Orchestrator,
  type OrchestratorChange,
  type OutputLine,
  type Progress,
  type RunnerAddress,
  volumeName,
} from '../orchestrator.ts';
import { readLog, tailLines } from './log-file.ts';
import { freePort, waitForHealthy } from './network.ts';
import { followOutputFile } from './output-file.ts';
import {
  type AppRecord,
  type InstanceRecord,
  type ProcessState,
  readProcessState,
  writeProcessState,
} from './process-state.ts';
import { isOurs, terminate } from './process-table.ts';
import { type ExitInfo, SupervisedProcess } from './supervised-process.ts';

export type ProcessOrchestratorOptions = {
  /** Holds state.json, per-app logs and the apps' volume directories. */
  stateDir: string;
  /** Defaults to $JAVA_HOME/bin/java, else `java` on PATH. */
  javaPath?: string;
  /** SIGTERM → SIGKILL delay when stopping an instance. */
  stopGraceMs?: number;
  /** How long a replaced instance keeps serving after the switch, so its in-flight requests finish. */
  drainMs?: number;
  /** Called once the new instance is healthy and before the old one drains: traffic goes there now. */
  onSwitch?: (instance: Instance) => void | Promise<void>;
  maxRestarts?: number;
  restartBackoffMs?: number;
  logger?: Logger;
};

export type ProcessEvents = {
  /** A supervised instance changed on its own or by a command (crashed, restarted, gave up, stopped). */
  'instance-changed': { deploymentId: string; state: InstanceState };
};

const host = '127.0.0.1';
const failedLogLines = 30;
const slugPattern = /^[a-z0-9][a-z0-9_-]*$/i;

/**
 * Runs app JARs as supervised child processes (`java -javaagent:… -jar`) on machines without
 * Docker. Each instance gets a free port (`PORT`, `SERVER_PORT`, and `Instance.url`); volumes are
 * directories, announced to the app as `CAMELEER_VOLUME_<PATH>` since a process cannot mount.
 * Pids and ports live in `state.json`, so a restarted runner finds and adopts its processes.
 */
export class ProcessOrchestrator extends TypedEmitter<ProcessEvents> implements Orchestrator {
  readonly kind = 'process';
  readonly capabilities: readonly Capability[] = ['process'];
  /** Apps are processes on this machine: they reach the runner on loopback. */
  readonly runnerAddress: RunnerAddress = { bindHost: host, urlHost: host };
  readonly maxReplicas = 1;
  private readonly supervisors = new Map<string, SupervisedProcess>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly draining = new Map<string, Set<Promise<void>>>();
  private saving: Promise<void> = Promise.resolve();
  private readonly stopGraceMs: number;
  private readonly drainMs: number;
  private readonly logger: Logger;

  private constructor(
    private readonly opts: ProcessOrchestratorOptions,
    private readonly javaPath: string,
    private readonly state: ProcessState,
  ) {
    super();
    this.stopGraceMs = opts.stopGraceMs ?? 10_000;
    this.drainMs = opts.drainMs ?? 2_000;
    this.logger = opts.logger ?? silentLogger;
  }

  /** Loads the state file, adopts the processes still alive and ours, finishes interrupted drains. */
  static async open(opts: ProcessOrchestratorOptions): Promise<ProcessOrchestrator> {
    await mkdir(opts.stateDir, { recursive: true, mode: 0o700 });
    const state = await readProcessState(join(opts.stateDir, 'state.json'));
    const orchestrator = new ProcessOrchestrator(opts, opts.javaPath ?? findJava(process.env), state);
    await orchestrator.rediscover();
    return orchestrator;
  }

  async deploy(spec: DeploySpec, progress: Progress): Promise<Instance> {
    const { jarPath } = spec;
    if (!jarPath) throw new Error('the process orchestrator needs spec.jarPath');
    return this.withLock(spec.ref, async () => {
      const app = this.appRecord(spec.ref);
      const volumes = await this.prepareVolumes(spec.ref, spec.writeableVolumes);
      app.volumeDirs = [...new Set([...app.volumeDirs, ...volumes.dirs])];
      const port = await freePort();
      const instanceId = `${safeId(spec.deploymentId)}-${randomBytes(3).toString('hex')}`;
      const record: InstanceRecord = {
        instanceId,
        deploymentId: spec.deploymentId,
        version: spec.version,
        state: 'starting',
        port,
        logPath: join(this.appDir(spec.ref), `${instanceId}.log`),
        restarts: 0,
        healthCheck: spec.healthCheck,
        launch: {
          jarPath,
          agentPath: spec.agentPath,
          env: { ...spec.env, ...volumes.env, PORT: String(port), SERVER_PORT: String(port) },
          memoryMb: spec.resources.memoryMb,
          cpus: spec.resources.cpus,
        },
      };
      progress(`starting ${spec.version} on port ${port}`);
      const started = await this.startHealthy(record);
      if (!started.ok) throw new DeployFailed(`${spec.version} ${started.reason}`, started.lastLogLines);

      const previous = app.current;
      app.current = record;
      await this.switchTo(app.ref, record);
      if (previous) this.retire(app, previous);
      await this.save();
      progress(`${spec.version} is healthy at ${urlOf(record)}`);
      this.logger.info('process deployed', { app: refKey(spec.ref), version: spec.version, pid: record.pid });
      return toInstance(app.ref, record);
    });
  }

  async stop(ref: AppRef): Promise<void> {
    await this.withLock(ref, async () => {
      await this.settleDrains(ref);
      const current = this.state.apps[refKey(ref)]?.current;
      if (!current) return;
      await this.supervisorOf(current).stop(this.stopGraceMs);
      await this.save();
    });
  }

  async restart(ref: AppRef): Promise<Instance> {
    return this.withLock(ref, async () => {
      const app = this.state.apps[refKey(ref)];
      const current = app?.current;
      if (!app || !current) throw new Error(`${refKey(ref)} has no instance to restart`);
      await this.supervisorOf(current).stop(this.stopGraceMs);
      this.supervisors.delete(current.instanceId);
      current.restarts = 0;
      current.state = 'starting';
      const started = await this.startHealthy(current);
      await this.save();
      if (!started.ok) throw new DeployFailed(`${current.version} ${started.reason}`, started.lastLogLines);
      return toInstance(app.ref, current);
    });
  }

  async remove(ref: AppRef): Promise<void> {
    await this.withLock(ref, async () => {
      await this.settleDrains(ref);
      const app = this.state.apps[refKey(ref)];
      if (!app) return;
      if (app.current) {
        await this.supervisorOf(app.current).stop(this.stopGraceMs);
        this.supervisors.delete(app.current.instanceId);
      }
      for (const dir of app.volumeDirs) await rm(dir, { recursive: true, force: true });
      await rm(this.appDir(ref), { recursive: true, force: true });
      delete this.state.apps[refKey(ref)];
      await this.save();
    });
  }

  async status(ref: AppRef): Promise<Instance | undefined> {
    const app = this.state.apps[refKey(ref)];
    return app?.current ? toInstance(app.ref, app.current) : undefined;
  }

  logs(ref: AppRef, opts: { tail: number; follow: boolean; signal?: AbortSignal }): AsyncIterable<string> {
    const key = refKey(ref);
    return readLog(() => this.state.apps[key]?.current?.logPath, opts);
  }

  /** One instance's output (stdout and stderr share its log file), resumable by byte offset; for log capture. */
  followOutput(instance: Instance, opts: FollowOutputOptions): AsyncIterable<OutputLine> {
    return followOutputFile(join(this.appDir(instance.ref), `${instance.id}.log`), opts);
  }

  async list(): Promise<Instance[]> {
    return Object.values(this.state.apps).flatMap((app) =>
      app.current ? [toInstance(app.ref, app.current)] : [],
    );
  }

  /** A supervised process crashed, restarted, gave up or was stopped. */
  watchChanges(listener: (change: OrchestratorChange) => void): () => void {
    return this.on('instance-changed', () => listener({}));
  }

  /** The runner is going away: finish drains, stop supervising, leave the apps running for the next runner. */
  async close(): Promise<void> {
    await Promise.all([...this.draining.values()].flatMap((set) => [...set]));
    for (const supervisor of this.supervisors.values()) supervisor.detach();
    this.supervisors.clear();
    await this.save();
  }

  /** Spawns the record's JVM and waits for its health check; on failure it is killed and `failed`. */
  private async startHealthy(
    record: InstanceRecord,
  ): Promise<{ ok: true } | { ok: false; reason: string; lastLogLines: string[] }> {
    await mkdir(this.appDir(record), { recursive: true, mode: 0o700 }).catch(() => undefined);
    const supervisor = this.supervisorOf(record);
    try {
      await supervisor.start();
    } catch (error) {
      this.supervisors.delete(record.instanceId);
      record.state = 'failed';
      return { ok: false, reason: `could not start: ${(error as Error).message}`, lastLogLines: [] };
    }
    const crashed = new AbortController();
    let exit: ExitInfo | undefined;
    const unsubscribe = supervisor.onExit((info) => {
      exit = info;
      crashed.abort();
    });
    const healthy = await probe(record, crashed.signal);
    unsubscribe();
    if (healthy) {
      supervisor.markRunning();
      return { ok: true };
    }
    await supervisor.stop(1_000, 'failed');
    this.supervisors.delete(record.instanceId);
    const reason = exit
      ? `exited during start (code ${exit.code ?? exit.signal})`
      : `did not pass its health check within ${record.healthCheck.timeoutSeconds} s`;
    const lastLogLines = await tailLines(record.logPath, failedLogLines);
    return { ok: false, reason, lastLogLines };
  }

  /** A failing hook must not leave two instances serving: the new one is current either way. */
  private async switchTo(ref: AppRef, record: InstanceRecord): Promise<void> {
    try {
      await this.opts.onSwitch?.(toInstance(ref, record));
    } catch (error) {
      this.logger.error('switch hook failed', { app: refKey(ref), error: (error as Error).message });
    }
  }

  /** The replaced instance keeps serving for `drainMs` (the caller switches its front), then stops. */
  private retire(app: AppRecord, previous: InstanceRecord): void {
    const supervisor = this.supervisors.get(previous.instanceId);
    this.supervisors.delete(previous.instanceId);
    const pid = previous.pid;
    if (!supervisor || pid === undefined) return;
    supervisor.unsupervise();
    app.retiring.push({ instanceId: previous.instanceId, pid });
    const key = refKey(app.ref);
    const drains = this.draining.get(key) ?? new Set();
    this.draining.set(key, drains);
    const drain = (async () => {
      await sleep(this.drainMs);
      await supervisor.stop(this.stopGraceMs);
      app.retiring = app.retiring.filter((r) => r.instanceId !== previous.instanceId);
      await this.save();
    })().finally(() => drains.delete(drain));
    drains.add(drain);
  }

  private async settleDrains(ref: AppRef): Promise<void> {
    await Promise.all([...(this.draining.get(refKey(ref)) ?? [])]);
  }

  private async rediscover(): Promise<void> {
    for (const app of Object.values(this.state.apps)) {
      for (const { instanceId, pid } of app.retiring) {
        if (await isOurs(pid, instanceId)) await terminate(pid, this.stopGraceMs);
      }
      app.retiring = [];
      const current = app.current;
      if (!current || current.pid === undefined) continue;
      if (await isOurs(current.pid, current.instanceId)) {
        this.supervisorOf(current).adopt();
        this.logger.info('process adopted', { app: refKey(app.ref), pid: current.pid });
      } else {
        current.pid = undefined;
        current.state = 'failed';
        await appendFile(current.logPath, '[cameleer] process gone while the runner was down\n').catch(
          () => undefined,
        );
      }
    }
    await this.save();
  }

  private supervisorOf(record: InstanceRecord): SupervisedProcess {
    let supervisor = this.supervisors.get(record.instanceId);
    if (!supervisor) {
      supervisor = new SupervisedProcess(record, {
        javaPath: this.javaPath,
        cwd: this.appDir(record),
        maxRestarts: this.opts.maxRestarts ?? 5,
        restartBackoffMs: this.opts.restartBackoffMs ?? 1_000,
        stableAfterMs: 10 * 60_000,
        probe,
        onChange: () => {
          void this.save();
          this.emit('instance-changed', { deploymentId: record.deploymentId, state: record.state });
        },
      });
      this.supervisors.set(record.instanceId, supervisor);
    }
    return supervisor;
  }

  private async prepareVolumes(ref: AppRef, paths: string[]) {
    const env: Record<string, string> = {};
    const dirs: string[] = [];
    for (const path of paths) {
      const dir = join(this.opts.stateDir, 'volumes', volumeName(ref, path));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      env[volumeEnvName(path)] = dir;
      dirs.push(dir);
    }
    return { env, dirs };
  }

  private appRecord(ref: AppRef): AppRecord {
    for (const part of [ref.tenant, ref.environment, ref.app]) {
      if (!slugPattern.test(part)) throw new Error(`not a slug: ${JSON.stringify(part)}`);
    }
    const key = refKey(ref);
    const app = this.state.apps[key] ?? { ref: { ...ref }, retiring: [], volumeDirs: [] };
    this.state.apps[key] = app;
    return app;
  }

  private appDir(refOrRecord: AppRef | InstanceRecord): string {
    if ('logPath' in refOrRecord) return join(refOrRecord.logPath, '..');
    return join(this.opts.stateDir, 'apps', refOrRecord.tenant, refOrRecord.environment, refOrRecord.app);
  }

  private save(): Promise<void> {
    this.saving = this.saving
      .then(() => writeProcessState(join(this.opts.stateDir, 'state.json'), this.state))
      .catch((error: Error) => this.logger.error('process state not saved', { error: error.message }));
    return this.saving;
  }

  private async withLock<T>(ref: AppRef, work: () => Promise<T>): Promise<T> {
    const key = refKey(ref);
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(key, next);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }
  }
}

function probe(record: InstanceRecord, signal: AbortSignal): Promise<boolean> {
  const { httpPath, timeoutSeconds } = record.healthCheck;
  return waitForHealthy({
    url: `${urlOf(record)}${httpPath ?? '/'}`,
    timeoutMs: timeoutSeconds * 1_000,
    signal,
    anyStatus: httpPath === undefined,
  });
}

function toInstance(ref: AppRef, record: InstanceRecord): Instance {
  const live = record.state === 'running' || record.state === 'starting';
  return {
    ref: { ...ref },
    deploymentId: record.deploymentId,
    version: record.version,
    state: record.state,
    id: record.instanceId,
    url: live ? urlOf(record) : undefined,
    startedAt: record.startedAt,
  };
}

function urlOf(record: InstanceRecord): string {
  return `http://${host}:${record.port}`;
}

function refKey(ref: AppRef): string {
  return `${ref.tenant}/${ref.environment}/${ref.app}`;
}

function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'deployment';
}

/** `/data/out` → `CAMELEER_VOLUME_DATA_OUT`. */
export function volumeEnvName(path: string): string {
  const slug = path
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `CAMELEER_VOLUME_${slug || 'ROOT'}`;
}
