import type { Transport } from '@cameleer/shared';
import type { Services } from '../env.ts';
import type { AwaitResultOptions, CommandOutcome, TunnelHub } from './hub.ts';
import { PollChannel } from './poll-channel.ts';
import { ResultWaiters } from './result-waiters.ts';
import type { RunnerIdentity } from './runner-auth.ts';
import type { RunnerEvents } from './runner-events.ts';
import { type LinkHooks, type LinkTransport, RunnerLink } from './runner-link.ts';

/**
 * Runner connections held in this process. One link per runner: a new
 * connection replaces the old one. A peer that sends nothing for two heartbeat
 * intervals (never more than 60 s) is dropped.
 */
export class LocalHub implements TunnelHub {
  readonly #links = new Map<string, RunnerLink>();
  readonly #results = new ResultWaiters();
  readonly #hooks: LinkHooks;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly services: () => Services,
    /** What runner frames mean beyond the tunnel (deployments, reconciliation), wired by the entry point. */
    events: RunnerEvents,
  ) {
    this.#hooks = { events, resultRecorded: (outcome) => this.#results.settle(outcome) };
  }

  start(): void {
    const interval = this.services().settings.heartbeatIntervalMs;
    // Silence is checked four times per interval so a dead peer is dropped within two intervals, not three.
    let ticks = 0;
    this.#timer = setInterval(() => this.#beat(ticks++ % 4 === 0), Math.max(25, Math.floor(interval / 4)));
    (this.#timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    for (const link of this.#links.values()) link.close(1001, 'edge shutting down');
    this.#links.clear();
    this.#results.clear();
  }

  /** A new connection of a runner over `transport`; it replaces any older one. */
  attach(runner: RunnerIdentity, transport: LinkTransport): RunnerLink {
    const previous = this.#links.get(runner.runnerId);
    const link = new RunnerLink(this.services(), runner, transport, this.#hooks);
    this.#links.set(runner.runnerId, link);
    previous?.close(4000, 'replaced by a newer connection');
    this.services().log.info('tunnel: runner connected', {
      runnerId: runner.runnerId,
      transport: transport.kind,
    });
    return link;
  }

  detach(link: RunnerLink): void {
    if (this.#links.get(link.runner.runnerId) === link) {
      this.#links.delete(link.runner.runnerId);
      this.services().log.info('tunnel: runner disconnected', { runnerId: link.runner.runnerId });
    }
  }

  /** One long-poll exchange: take the runner's frames, answer with the edge's (waiting up to `waitMs`). */
  async poll(runner: RunnerIdentity, rawFrames: string[], waitMs: number) {
    let link = this.#links.get(runner.runnerId);
    if (link?.transport.kind !== 'long-poll') link = this.attach(runner, new PollChannel());
    for (const raw of rawFrames) await link.receive(raw);
    link.lastHeardAt = this.services().clock.now().getTime();
    return (link.transport as PollChannel).take(waitMs);
  }

  notify(runnerId: string): void {
    // After the current I/O: the request that stored the command answers before delivery queries the database.
    setImmediate(() => void this.#links.get(runnerId)?.deliver());
  }

  /** Settled by the link that records the result, in this process: every runner's link lives here. */
  awaitResult(commandId: string, options: AwaitResultOptions): Promise<CommandOutcome | undefined> {
    return this.#results.wait(commandId, options);
  }

  disconnect(runnerId: string, reason: string): void {
    const link = this.#links.get(runnerId);
    if (!link) return;
    link.refuse({ v: 1, type: 'error', code: 'revoked', message: reason });
    link.close(4003, reason);
    this.#links.delete(runnerId);
  }

  connection(runnerId: string): { transport: Transport; since: Date } | undefined {
    const link = this.#links.get(runnerId);
    return link ? { transport: link.transport.kind, since: link.since } : undefined;
  }

  get size(): number {
    return this.#links.size;
  }

  #beat(sendHeartbeats: boolean): void {
    const services = this.services();
    const now = services.clock.now().getTime();
    const deadAfter = Math.min(2 * services.settings.heartbeatIntervalMs, 60_000);
    const pollGrace = 30_000;
    for (const link of [...this.#links.values()]) {
      const silentFor = now - link.lastHeardAt;
      const limit = link.transport.kind === 'long-poll' ? deadAfter + pollGrace : deadAfter;
      if (silentFor > limit) {
        services.log.info('tunnel: runner silent, dropping', { runnerId: link.runner.runnerId, silentFor });
        link.close(4008, 'no heartbeat');
        this.detach(link);
      } else if (sendHeartbeats && link.transport.kind === 'websocket') {
        link.heartbeat();
      }
    }
  }
}
