/**
 * Container stdout/stderr as logs: follows the output of every instance the orchestrator runs,
 * turns each line into an `otel_logs` row attributed to its deployment's scope, and hands rows to
 * the telemetry sink. A per-instance cursor, advanced only once the sink accepted the rows, is kept
 * in `<stateDir>/telemetry/stdout-cursors.json`: a restarted runner resumes after the last line it
 * delivered (a crash between accept and the cursor write can repeat at most that last batch).
 * When the sink pushes back (spool full), reading pauses instead of dropping lines.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger, silentLogger } from '../logger.ts';
import type { Instance, Orchestrator, OutputFollower } from '../orchestrators/orchestrator.ts';
import type { LogRow, RowsByTable, TelemetryScope } from './rows.ts';
import { CursorStore } from './stdout-capture-cursors.ts';
import { type Severity, toLogRow } from './stdout-capture-line.ts';

export type StdoutCaptureOptions = {
  /** Its `list()` says what runs; its output is followed per instance (see `outputFollowerOf`). */
  orchestrator: Orchestrator;
  /** The deployment's owner; instances without one are not captured (yet: asked again each poll). */
  scopeOf: (deploymentId: string) => TelemetryScope | undefined;
  sink: { accept(rows: RowsByTable): { ok: boolean } };
  /** The runner's state dir; cursors live in `<stateDir>/telemetry/stdout-cursors.json`. */
  stateDir: string;
  /** How often `list()` is asked for instances that appeared or went. Default 2 s. */
  pollMs?: number;
  /** How often buffered lines go to the sink and cursors to disk. Default 250 ms. */
  flushMs?: number;
  /** An instance no longer listed is still read this long, for its last lines. Default 5 s. */
  goneGraceMs?: number;
  logger?: Logger;
};

export type StdoutCaptureStats = { following: number; captured: number; pushedBack: number };

export type StdoutCapture = {
  /** Stops following, hands buffered lines to the sink and writes the cursors. */
  stop(): Promise<void>;
  stats(): StdoutCaptureStats;
};

const maxBatchRows = 1_000;

type Follower = {
  instance: Instance;
  scope: TelemetryScope;
  abort: AbortController;
  pending: LogRow[];
  /** The cursor of the last pending line. */
  pendingCursor?: string;
  done: Promise<void>;
  /** Set when the output ended (a stopped container): followed again only once the instance restarts. */
  ended?: string;
  goneSince?: number;
};

/** How this orchestrator's instance output is read; none when it cannot follow it. */
export function outputFollowerOf(orchestrator: Orchestrator): OutputFollower | undefined {
  return orchestrator.followOutput?.bind(orchestrator);
}

export async function startStdoutCapture(opts: StdoutCaptureOptions): Promise<StdoutCapture> {
  const pollMs = opts.pollMs ?? 2_000;
  const flushMs = opts.flushMs ?? 250;
  const goneGraceMs = opts.goneGraceMs ?? 5_000;
  const logger = opts.logger ?? silentLogger;
  const follow = outputFollowerOf(opts.orchestrator);
  const cursors = await CursorStore.open(opts.stateDir);
  const followers = new Map<string, Follower>();
  const stats: StdoutCaptureStats = { following: 0, captured: 0, pushedBack: 0 };
  const lifetime = new AbortController();
  let pushedBackLogged = false;

  if (!follow) logger.warn('stdout capture: this orchestrator cannot follow instance output', {});

  /** Hands a follower's buffered rows to the sink; on success its cursor moves past them. */
  const flush = (follower: Follower): boolean => {
    if (follower.pending.length === 0) return true;
    const rows = follower.pending;
    if (!opts.sink.accept({ otel_logs: rows }).ok) {
      stats.pushedBack++;
      if (!pushedBackLogged) logger.warn('stdout capture paused: the telemetry sink pushes back', {});
      pushedBackLogged = true;
      return false;
    }
    pushedBackLogged = false;
    stats.captured += rows.length;
    follower.pending = [];
    if (follower.pendingCursor !== undefined) {
      cursors.set(follower.instance.id, {
        deploymentId: follower.instance.deploymentId,
        cursor: follower.pendingCursor,
      });
    }
    return true;
  };

  const read = async (follower: Follower): Promise<void> => {
    if (!follow) return;
    const { instance, scope, abort } = follower;
    const previous: Partial<Record<'stdout' | 'stderr', Severity>> = {};
    for await (const output of follow(instance, {
      after: cursors.get(instance.id)?.cursor,
      signal: abort.signal,
    })) {
      const stream = output.stream ?? 'stdout';
      const { row, severity } = toLogRow(output, {
        scope,
        instanceId: instance.id,
        previous: previous[stream],
      });
      previous[stream] = severity;
      follower.pending.push(row);
      follower.pendingCursor = output.cursor;
      // Backpressure: a full batch waits for the sink instead of growing without bound.
      while (follower.pending.length >= maxBatchRows && !flush(follower) && !abort.signal.aborted) {
        await sleep(flushMs);
      }
    }
  };

  const start = (instance: Instance, scope: TelemetryScope): void => {
    const follower: Follower = {
      instance,
      scope,
      abort: new AbortController(),
      pending: [],
      done: Promise.resolve(),
    };
    follower.done = read(follower).then(
      () => {
        follower.ended = restartKey(instance);
      },
      (error: Error) => {
        // Retried on a later poll (the container may be gone, the engine down).
        if (!follower.abort.signal.aborted) {
          logger.warn('stdout capture: following failed', { instance: instance.id, error: error.message });
        }
        follower.ended = '';
      },
    );
    followers.set(instance.id, follower);
  };

  const poll = async (): Promise<void> => {
    let instances: Instance[];
    try {
      instances = await opts.orchestrator.list();
    } catch (error) {
      logger.warn('stdout capture: instances not listed', { error: (error as Error).message });
      return;
    }
    const listed = new Map(instances.map((i) => [i.id, i]));
    for (const instance of instances) {
      const follower = followers.get(instance.id);
      if (follower) {
        follower.goneSince = undefined;
        if (follower.ended === undefined || follower.ended === restartKey(instance)) continue;
        await follower.done;
        if (!flush(follower)) continue;
        followers.delete(instance.id);
      }
      const scope = opts.scopeOf(instance.deploymentId);
      if (scope) start(instance, scope);
    }
    const now = Date.now();
    for (const [id, follower] of followers) {
      if (listed.has(id)) continue;
      follower.goneSince ??= now;
      if (now - follower.goneSince < goneGraceMs) continue;
      follower.abort.abort();
      await follower.done;
      if (flush(follower)) followers.delete(id);
    }
    cursors.retain((id) => listed.has(id) || followers.has(id));
    stats.following = [...followers.values()].filter((f) => f.ended === undefined).length;
  };

  const flushAll = async (): Promise<void> => {
    for (const follower of followers.values()) flush(follower);
    await cursors.save().catch((error: Error) => {
      logger.warn('stdout capture: cursors not saved', { error: error.message });
    });
  };

  const pollLoop = (async () => {
    while (!lifetime.signal.aborted) {
      await poll();
      await sleep(pollMs, undefined, { signal: lifetime.signal }).catch(() => undefined);
    }
  })();
  const flushLoop = (async () => {
    while (!lifetime.signal.aborted) {
      await sleep(flushMs, undefined, { signal: lifetime.signal }).catch(() => undefined);
      await flushAll();
    }
  })();

  return {
    async stop() {
      lifetime.abort();
      await Promise.all([pollLoop, flushLoop]);
      for (const follower of followers.values()) follower.abort.abort();
      await Promise.all([...followers.values()].map((f) => f.done));
      await flushAll();
      followers.clear();
    },
    stats: () => ({ ...stats }),
  };
}

/** What changes when an instance runs again (a restarted container), so its output is followed anew. */
function restartKey(instance: Instance): string {
  return `${instance.state} ${instance.startedAt ?? ''}`;
}
