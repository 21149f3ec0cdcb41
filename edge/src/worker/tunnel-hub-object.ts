import { type EdgeFrame, fixedHeartbeatText, newId, protocolVersion } from '@cameleer/shared';
import type {
  DurableObjectState,
  WebSocketRequestResponsePair,
  WebSocket as WorkersWebSocket,
} from '@cloudflare/workers-types';
import { parseWorkersConfig } from '../config/workers.ts';
import { withTenant } from '../db/client.ts';
import type { Services } from '../env.ts';
import { jsonLogger } from '../logger.ts';
import { runnerEvents } from '../services/runner-events.ts';
import { touchRunner } from '../services/runners.ts';
import type { TunnelHub } from '../tunnel/hub.ts';
import { PollChannel } from '../tunnel/poll-channel.ts';
import type { RunnerIdentity } from '../tunnel/runner-auth.ts';
import { type LinkHooks, type LinkState, type LinkTransport, RunnerLink } from '../tunnel/runner-link.ts';
import { runnerHeader } from './durable-hub.ts';
import { openWorkerScope } from './services.ts';

/** Kept with each socket (`serializeAttachment`): all the object needs after it hibernated. */
type SocketAttachment = { runner: RunnerIdentity; acceptedAt: number; link?: LinkState };
/** Kept in storage for the long-poll transport, which has no socket to carry it. */
type PollRecord = { runner: RunnerIdentity; link?: LinkState };

const open = 1;
const hooks: LinkHooks = { events: runnerEvents, resultRecorded: () => {} };
type WorkersRuntime = {
  WebSocketPair: new () => { 0: WorkersWebSocket; 1: WorkersWebSocket };
  WebSocketRequestResponsePair: new (request: string, response: string) => WebSocketRequestResponsePair;
};
const runtime = () => globalThis as unknown as WorkersRuntime;

/**
 * One runner's tunnel on Workers, on the WebSocket Hibernation API. The object keeps nothing in
 * memory that it needs after waking: link state rides on the socket's attachment (or in storage for
 * long-poll), and every event restores a `RunnerLink` from it with a database of its own, closed
 * when the event ends (an open connection would keep the object from hibernating). Heartbeats are
 * answered by the runtime without waking the object; an alarm drops silent sockets and redelivers.
 */
export class TunnelHubObject {
  /** Events that reach the database run one at a time, in arrival order (ack before result). */
  #queue: Promise<void> = Promise.resolve();
  /** A long-poll in flight waits on this channel; lost on eviction, when the next poll starts a new one. */
  #poll: { runnerId: string; channel: PollChannel } | undefined;

  constructor(
    readonly state: DurableObjectState,
    readonly env: Record<string, unknown>,
  ) {
    const { WebSocketRequestResponsePair: Pair } = runtime();
    state.setWebSocketAutoResponse(new Pair(fixedHeartbeatText, fixedHeartbeatText));
  }

  async fetch(request: Request): Promise<Response> {
    const runner = JSON.parse(request.headers.get(runnerHeader) ?? '{}') as Partial<RunnerIdentity>;
    const path = new URL(request.url).pathname;
    if (path === '/connect' && runner.runnerId && runner.tenantId)
      return this.#connect({ runnerId: runner.runnerId, tenantId: runner.tenantId });
    if (path === '/poll' && runner.runnerId && runner.tenantId) {
      const body = (await request.json()) as { frames: string[]; waitMs: number };
      const frames = await this.#pollExchange(
        { runnerId: runner.runnerId, tenantId: runner.tenantId },
        body.frames,
        body.waitMs,
      );
      return Response.json({ frames });
    }
    if (path === '/notify') {
      await this.#serial(() => this.#deliverAll());
      return new Response(null, { status: 204 });
    }
    if (path === '/disconnect') {
      const { reason } = (await request.json()) as { reason: string };
      await this.#disconnect(reason);
      return new Response(null, { status: 204 });
    }
    return new Response(null, { status: 404 });
  }

  async webSocketMessage(ws: WorkersWebSocket, message: string | ArrayBuffer): Promise<void> {
    const raw = typeof message === 'string' ? message : '';
    await this.#serial(() => this.#withSocketLink(ws, (link) => link.receive(raw)));
  }

  webSocketClose(ws: WorkersWebSocket, code: number, reason: string): void {
    const { runner } = ws.deserializeAttachment() as SocketAttachment;
    jsonLogger.info('tunnel: runner disconnected', { runnerId: runner.runnerId, code, reason });
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  webSocketError(ws: WorkersWebSocket, error: unknown): void {
    const { runner } = ws.deserializeAttachment() as SocketAttachment;
    jsonLogger.info('tunnel: runner socket failed', { runnerId: runner.runnerId, error: String(error) });
  }

  /** Drops sockets silent for two heartbeat intervals (never more than 60 s), and sends what is still queued. */
  async alarm(): Promise<void> {
    await this.#serial(async () => {
      const sockets = this.#sockets();
      if (!sockets.length) return;
      await this.#inScope(async (services) => {
        const deadAfter = deadAfterMs(services.settings.heartbeatIntervalMs);
        const now = Date.now();
        for (const ws of sockets) {
          const attachment = ws.deserializeAttachment() as SocketAttachment;
          const heard = Math.max(
            attachment.acceptedAt,
            attachment.link?.lastHeardAt ?? 0,
            this.state.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0,
          );
          if (now - heard > deadAfter) {
            jsonLogger.info('tunnel: runner silent, dropping', { runnerId: attachment.runner.runnerId });
            ws.close(4008, 'no heartbeat');
            continue;
          }
          const { runner } = attachment;
          // Heartbeats no longer reach the link (the runtime answers them): the last-seen time is kept here.
          await withTenant(services.db, runner.tenantId, (db) =>
            touchRunner({ db, tenantId: runner.tenantId, clock: services.clock }, runner.runnerId),
          );
          await this.#linkOver(services, ws, (link) => link.deliver());
        }
        await this.state.storage.setAlarm(Date.now() + deadAfter);
      });
    });
  }

  async #connect(runner: RunnerIdentity): Promise<Response> {
    const pair = new (runtime().WebSocketPair)();
    const [client, server] = [pair[0], pair[1]];
    await this.#serial(async () => {
      for (const old of this.#sockets()) old.close(4000, 'replaced by a newer connection');
      this.#endPoll();
      await this.state.storage.delete('poll');
      this.state.acceptWebSocket(server, [runner.runnerId]);
      server.serializeAttachment({ runner, acceptedAt: Date.now() } satisfies SocketAttachment);
      if ((await this.state.storage.getAlarm()) === null)
        await this.state.storage.setAlarm(Date.now() + deadAfterMs(heartbeatIntervalOf(this.env)));
    });
    jsonLogger.info('tunnel: runner connected', { runnerId: runner.runnerId, transport: 'websocket' });
    return new Response(null, { status: 101, webSocket: client } as ResponseInit);
  }

  async #pollExchange(runner: RunnerIdentity, frames: string[], waitMs: number): Promise<EdgeFrame[]> {
    let channel: PollChannel | undefined;
    await this.#serial(async () => {
      for (const old of this.#sockets()) old.close(4000, 'replaced by a newer connection');
      const record = await this.state.storage.get<PollRecord>('poll');
      if (this.#poll?.runnerId !== runner.runnerId) {
        this.#endPoll();
        this.#poll = { runnerId: runner.runnerId, channel: new PollChannel() };
        // A new channel: frames an evicted one still held are lost, so every open command goes again.
        if (record?.link) record.link.lastSentSeq = 0;
      }
      channel = this.#poll.channel;
      await this.#inScope((services) =>
        this.#pollLink(services, runner, record?.link, async (link) => {
          for (const raw of frames) await link.receive(raw);
          await link.deliver();
        }),
      );
    });
    return channel ? channel.take(waitMs) : [];
  }

  async #disconnect(reason: string): Promise<void> {
    const revoked: EdgeFrame = {
      v: protocolVersion,
      id: newId('req'),
      type: 'error',
      code: 'revoked',
      message: reason,
    };
    for (const ws of this.#sockets()) {
      ws.send(JSON.stringify(revoked));
      ws.close(4003, reason.slice(0, 120));
    }
    this.#poll?.channel.send(revoked);
    this.#endPoll();
    await this.state.storage.delete('poll');
  }

  async #deliverAll(): Promise<void> {
    const sockets = this.#sockets();
    const poll = this.#poll && (await this.state.storage.get<PollRecord>('poll'));
    if (!sockets.length && !poll) return;
    await this.#inScope(async (services) => {
      for (const ws of sockets) await this.#linkOver(services, ws, (link) => link.deliver());
      if (poll) await this.#pollLink(services, poll.runner, poll.link, (link) => link.deliver());
    });
  }

  #withSocketLink(ws: WorkersWebSocket, fn: (link: RunnerLink) => Promise<void>): Promise<void> {
    return this.#inScope((services) => this.#linkOver(services, ws, fn));
  }

  async #linkOver(services: Services, ws: WorkersWebSocket, fn: (link: RunnerLink) => Promise<void>) {
    const attachment = ws.deserializeAttachment() as SocketAttachment;
    const transport: LinkTransport = {
      kind: 'websocket',
      send: (frame) => ws.send(JSON.stringify(frame)),
      close: (code, reason) => ws.close(code, reason),
    };
    const link = new RunnerLink(services, attachment.runner, transport, hooks, attachment.link);
    await fn(link);
    if (!link.closed && ws.readyState === open)
      ws.serializeAttachment({ ...attachment, link: link.state() } satisfies SocketAttachment);
  }

  async #pollLink(
    services: Services,
    runner: RunnerIdentity,
    state: LinkState | undefined,
    fn: (link: RunnerLink) => Promise<void>,
  ): Promise<void> {
    const channel = this.#poll?.channel;
    if (!channel) return;
    const link = new RunnerLink(services, runner, channel, hooks, state);
    await fn(link);
    if (this.#poll?.channel === channel)
      await this.state.storage.put('poll', { runner, link: link.state() } satisfies PollRecord);
  }

  /** One database for one event; the object's own hub notifies itself instead of calling its stub. */
  async #inScope(fn: (services: Services) => Promise<void>): Promise<void> {
    const scope = await openWorkerScope(this.env, {
      waitUntil: (work) => this.state.waitUntil(work),
      tunnel: this.#selfHub(),
    });
    if ('error' in scope) {
      jsonLogger.error('tunnel hub: no services', { error: scope.error.detail });
      return;
    }
    try {
      await fn(scope.services);
    } finally {
      this.state.waitUntil(scope.close());
    }
  }

  #selfHub(): TunnelHub {
    return {
      notify: () => void this.#serial(() => this.#deliverAll()),
      disconnect: (_runnerId, reason) => void this.#disconnect(reason),
      connection: () => undefined,
      awaitResult: () => Promise.resolve(undefined),
    };
  }

  #sockets(): WorkersWebSocket[] {
    return this.state.getWebSockets().filter((ws) => ws.readyState === open);
  }

  #endPoll(): void {
    this.#poll?.channel.close();
    this.#poll = undefined;
  }

  #serial(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch((err: unknown) => {
      jsonLogger.error('tunnel hub: event failed', { error: String(err) });
    });
    return this.#queue;
  }
}

function deadAfterMs(heartbeatIntervalMs: number): number {
  return Math.min(2 * heartbeatIntervalMs, 60_000);
}

function heartbeatIntervalOf(env: Record<string, unknown>): number {
  try {
    return parseWorkersConfig(env).CAMELEER_TUNNEL_HEARTBEAT_MS;
  } catch {
    return 30_000;
  }
}
