import type { EdgeFrame, Transport } from '@cameleer/shared';
import type { Db } from '../db/client.ts';
import { storedCommandOutcome } from '../services/commands.ts';
import type { AwaitResultOptions, CommandOutcome, RunnerSeen, TunnelHub } from '../tunnel/hub.ts';
import type { RunnerIdentity } from '../tunnel/runner-auth.ts';

/** The parts of a Durable Object namespace binding the hub uses (`@cloudflare/workers-types` has the whole). */
export type HubNamespace = {
  idFromName(name: string): unknown;
  get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> };
};

/** Requests from the worker to a runner's object; only the worker can reach an object, so these are trusted. */
export const hubOrigin = 'https://tunnel-hub.internal';
export const runnerHeader = 'x-cameleer-runner';

export function hubStub(namespace: HubNamespace, runnerId: string) {
  return namespace.get(namespace.idFromName(runnerId) as never);
}

export function hubRequest(runner: { runnerId: string; tenantId?: string }, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set(runnerHeader, JSON.stringify(runner));
  return { ...init, headers };
}

/**
 * The tunnel hub as the stateless worker sees it: every runner's connection lives in its own
 * Durable Object (`TunnelHubObject`), reached by fetch. Results are recorded in PostgreSQL by the
 * object, so waiting API calls read them there.
 */
export class DurableHub implements TunnelHub {
  constructor(
    private readonly namespace: HubNamespace,
    private readonly db: Db,
    /** Keeps fire-and-forget calls alive after the response went out (`ExecutionContext.waitUntil`). */
    private readonly waitUntil: (work: Promise<unknown>) => void,
    private readonly heartbeatIntervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  notify(runnerId: string): void {
    this.#send(runnerId, '/notify', {});
  }

  disconnect(runnerId: string, reason: string): void {
    this.#send(runnerId, '/disconnect', { reason });
  }

  /**
   * Judged by the runner's row: the object cannot be asked synchronously, but it records last-seen at
   * connect and at every alarm (two heartbeat intervals, at most 60 s) while the socket lives. A
   * runner heard from within that and one interval more is connected; one that just went away still
   * counts as connected until then (its commands queue and are delivered when it is back).
   */
  connection(_runnerId: string, seen?: RunnerSeen): { transport: Transport; since: Date } | undefined {
    if (!seen?.lastSeenAt) return undefined;
    const window = Math.min(2 * this.heartbeatIntervalMs, 60_000) + this.heartbeatIntervalMs;
    if (this.now() - seen.lastSeenAt.getTime() > window) return undefined;
    const transport: Transport = seen.transport === 'long-poll' ? 'long-poll' : 'websocket';
    return { transport, since: seen.connectedAt ?? seen.lastSeenAt };
  }

  awaitResult(commandId: string, options: AwaitResultOptions): Promise<CommandOutcome | undefined> {
    return pollStoredOutcome(this.db, { tenantId: options.tenantId, id: commandId }, options);
  }

  async poll(runner: RunnerIdentity, rawFrames: string[], waitMs: number): Promise<EdgeFrame[]> {
    const res = await hubStub(this.namespace, runner.runnerId).fetch(
      `${hubOrigin}/poll`,
      hubRequest(runner, { method: 'POST', body: JSON.stringify({ frames: rawFrames, waitMs }) }),
    );
    if (!res.ok) throw new Error(`the tunnel hub answered the poll with ${res.status}`);
    return ((await res.json()) as { frames: EdgeFrame[] }).frames;
  }

  #send(runnerId: string, path: string, body: object): void {
    const call = hubStub(this.namespace, runnerId)
      .fetch(`${hubOrigin}${path}`, hubRequest({ runnerId }, { method: 'POST', body: JSON.stringify(body) }))
      .then((res) => res.body?.cancel());
    this.waitUntil(call.catch(() => undefined));
  }
}

/** Reads a command until it is final, backing off from 50 ms to 1 s; undefined when the wait ends first. */
export async function pollStoredOutcome(
  db: Db,
  command: { tenantId: string; id: string },
  { signal, timeoutMs }: Omit<AwaitResultOptions, 'tenantId'>,
): Promise<CommandOutcome | undefined> {
  const deadline = Date.now() + (timeoutMs ?? Number.POSITIVE_INFINITY);
  let delay = 50;
  while (!signal?.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await pause(Math.min(delay, left), signal);
    if (signal?.aborted) return undefined;
    const outcome = await storedCommandOutcome(db, command);
    if (outcome) return outcome;
    delay = Math.min(delay * 2, 1_000);
  }
  return undefined;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
