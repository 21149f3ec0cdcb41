import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { InstanceRecord } from './process-state.ts';
import { instanceMarker, isAlive, terminate } from './process-table.ts';

export type SupervisorOptions = {
  javaPath: string;
  /** The app's working directory. */
  cwd: string;
  maxRestarts: number;
  /** First restart delay; doubles per restart, capped at 30 s. */
  restartBackoffMs: number;
  /** A process that ran this long before crashing starts its restart count afresh. */
  stableAfterMs: number;
  /** Readiness after a crash restart. */
  probe: (record: InstanceRecord, signal: AbortSignal) => Promise<boolean>;
  /** The record changed (pid, state, restarts): persist it. */
  onChange: () => void;
};

export type ExitInfo = { code: number | null; signal: string | null };

const adoptedPollMs = 500;
const maxBackoffMs = 30_000;

/**
 * One JVM and its supervision: restarts after a crash with exponential backoff, at most
 * `maxRestarts` times, then `failed`. stdout/stderr go straight to the instance's log file
 * and the JVM leads its own process group, so it outlives a runner restart and is adopted
 * (watched by pid) by the next runner.
 */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private supervising = false;
  private stopping = false;
  private spawnedAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly exitListeners = new Set<(exit: ExitInfo) => void>();
  private readonly lifetime = new AbortController();

  constructor(
    readonly record: InstanceRecord,
    private readonly opts: SupervisorOptions,
  ) {}

  /** Spawns the JVM; rejects when it cannot be spawned at all (no java, no JAR). */
  async start(): Promise<void> {
    const { launch, logPath, instanceId } = this.record;
    const log = openSync(logPath, 'a', 0o600);
    const args = [
      instanceMarker(instanceId),
      `-XX:MaxRAM=${launch.memoryMb}m`,
      `-XX:ActiveProcessorCount=${Math.max(1, Math.ceil(launch.cpus))}`,
      ...(launch.agentPath ? [`-javaagent:${launch.agentPath}`] : []),
      '-jar',
      launch.jarPath,
    ];
    try {
      const child = spawn(this.opts.javaPath, args, {
        cwd: this.opts.cwd,
        env: launch.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      child.once('exit', (code, signal) => this.exited({ code, signal }));
      this.child = child;
    } finally {
      closeSync(log);
    }
    this.spawnedAt = Date.now();
    this.record.pid = this.child.pid;
    this.record.startedAt = new Date().toISOString();
    this.note(`started pid ${this.record.pid} on port ${this.record.port}`);
    this.opts.onChange();
  }

  /** Takes over a JVM a previous runner started: not our child, so its pid is polled. */
  adopt(): void {
    this.spawnedAt = Date.now();
    this.supervising = this.record.state === 'running';
    this.watchAdopted();
  }

  /** Healthy: from now on a crash restarts it. */
  markRunning(): void {
    this.record.state = 'running';
    this.supervising = true;
    this.opts.onChange();
  }

  /** Called once when the current process exits; returns an unsubscribe. */
  onExit(listener: (exit: ExitInfo) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Stops restarting it, e.g. while a replaced instance drains. */
  unsupervise(): void {
    this.supervising = false;
  }

  /** SIGTERM, SIGKILL after `graceMs`; the record ends `stopped` (or `failed` when `as` says so). */
  async stop(graceMs: number, as: 'stopped' | 'failed' = 'stopped'): Promise<void> {
    this.stopping = true;
    this.supervising = false;
    this.clearTimers();
    const pid = this.record.pid;
    if (pid !== undefined) await terminate(pid, graceMs);
    this.record.pid = undefined;
    this.record.state = as;
    this.lifetime.abort();
    this.opts.onChange();
  }

  /** Lets go of the process without stopping it (the runner is shutting down). */
  detach(): void {
    this.supervising = false;
    this.clearTimers();
    this.lifetime.abort();
    this.child?.removeAllListeners('exit');
  }

  private watchAdopted(): void {
    const timer = setInterval(() => {
      const pid = this.record.pid;
      if (pid !== undefined && isAlive(pid)) return;
      clearInterval(timer);
      this.timers.delete(timer);
      this.exited({ code: null, signal: null });
    }, adoptedPollMs);
    timer.unref();
    this.timers.add(timer);
  }

  private exited(exit: ExitInfo): void {
    const pid = this.record.pid;
    this.child = undefined;
    this.record.pid = undefined;
    for (const listener of this.exitListeners) listener(exit);
    this.exitListeners.clear();
    if (this.stopping) return;
    const how = exit.code !== null ? `code ${exit.code}` : exit.signal ? `signal ${exit.signal}` : 'unknown';
    this.note(`process ${pid} exited (${how})`);
    if (!this.supervising) {
      this.record.state = 'failed';
      this.opts.onChange();
      return;
    }
    if (Date.now() - this.spawnedAt >= this.opts.stableAfterMs) this.record.restarts = 0;
    if (this.record.restarts >= this.opts.maxRestarts) {
      this.note(`giving up after ${this.record.restarts} restarts`);
      this.record.state = 'failed';
      this.supervising = false;
      this.opts.onChange();
      return;
    }
    this.record.restarts += 1;
    this.record.state = 'starting';
    const delay = Math.min(this.opts.restartBackoffMs * 2 ** (this.record.restarts - 1), maxBackoffMs);
    this.note(`restart ${this.record.restarts}/${this.opts.maxRestarts} in ${delay} ms`);
    this.opts.onChange();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.restartAfterCrash();
    }, delay);
    this.timers.add(timer);
  }

  private async restartAfterCrash(): Promise<void> {
    try {
      await this.start();
    } catch (error) {
      this.note(`cannot restart: ${(error as Error).message}`);
      this.record.state = 'failed';
      this.supervising = false;
      this.opts.onChange();
      return;
    }
    if (await this.opts.probe(this.record, this.lifetime.signal)) {
      if (this.supervising && this.record.pid !== undefined) {
        this.record.state = 'running';
        this.opts.onChange();
      }
    }
  }

  /** The orchestrator's own lines go to the same log, so `logs` tells the whole story. */
  private note(message: string): void {
    try {
      appendFileSync(this.record.logPath, `[cameleer] ${new Date().toISOString()} ${message}\n`);
    } catch {
      // the log directory is gone (removed app)
    }
  }

  private clearTimers(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
      clearInterval(timer);
    }
    this.timers.clear();
  }
}
