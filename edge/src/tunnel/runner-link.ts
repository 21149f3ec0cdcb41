import {
  type EdgeFrame,
  type ErrorFrame,
  type InventoryItem,
  newId,
  parseRunnerFrame,
  protocolVersion,
  type RunnerFrame,
  type Transport,
} from '@cameleer/shared';
import { withTenant } from '../db/client.ts';
import type { Services } from '../env.ts';
import { addProgress, completeCommand, markAcked, markSent, openCommands } from '../services/commands.ts';
import { committing } from '../services/context.ts';
import { recordHello, recordInventory, touchRunner } from '../services/runners.ts';
import { endorseCommandKeys, signCommand } from './command-signing.ts';
import type { CommandOutcome } from './hub.ts';
import type { RunnerIdentity } from './runner-auth.ts';
import type { LinkScope, RunnerEvents } from './runner-events.ts';

export type LinkTransport = {
  kind: Transport;
  send(frame: EdgeFrame): void;
  close(code: number, reason: string): void;
};

const touchEveryMs = 30_000;
/**
 * How long an ack waits before it is written. A quick command's result comes sooner, and its
 * transaction records the final state, so the ack's own transaction is skipped instead of running
 * (synchronously, on PGlite) while the result frame waits. A lost ack only leaves the command
 * `sent`, which is as open as `acked`: it is re-sent on reconnect and the runner de-duplicates it.
 */
const ackDelayMs = 100;

/** What a link hands on: the frames' meaning beyond the tunnel, and every result it recorded. */
export type LinkHooks = {
  events: RunnerEvents;
  /** Called once a result is committed, so that whoever awaits it hears at once. */
  resultRecorded(outcome: CommandOutcome): void;
};

/**
 * What a link must remember between frames, as plain data: a host that keeps no object in memory
 * between frames (a hibernating Durable Object) stores it with the socket and restores the link from it.
 */
export type LinkState = {
  since: number;
  lastHeardAt: number;
  ready: boolean;
  lastSentSeq: number;
  lastTouch: number;
};

/**
 * One connected runner, whatever carries its frames. Commands are delivered
 * in `seq` order after `hello`; on every new link all unfinished commands are
 * sent again (at-least-once: the runner de-duplicates by command id).
 */
export class RunnerLink {
  readonly since: Date;
  lastHeardAt: number;
  #ready = false;
  #lastSentSeq = 0;
  #lastTouch = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #pendingAcks = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    readonly services: Services,
    readonly runner: RunnerIdentity,
    readonly transport: LinkTransport,
    readonly hooks: LinkHooks,
    restored?: LinkState,
  ) {
    this.since = restored ? new Date(restored.since) : services.clock.now();
    this.lastHeardAt = restored?.lastHeardAt ?? this.since.getTime();
    this.#ready = restored?.ready ?? false;
    this.#lastSentSeq = restored?.lastSentSeq ?? 0;
    this.#lastTouch = restored?.lastTouch ?? 0;
  }

  /** Everything needed to continue this link in a new object (see `LinkState`). */
  state(): LinkState {
    return {
      since: this.since.getTime(),
      lastHeardAt: this.lastHeardAt,
      ready: this.#ready,
      lastSentSeq: this.#lastSentSeq,
      lastTouch: this.#lastTouch,
    };
  }

  get closed() {
    return this.#closed;
  }

  /** Handles one raw frame; frames are processed strictly in arrival order. */
  receive(raw: string): Promise<void> {
    this.lastHeardAt = this.services.clock.now().getTime();
    return this.#serialize(() => this.#handle(raw));
  }

  /** Sends commands stored since the last delivery. Safe to call any time, from anywhere. */
  deliver(): Promise<void> {
    return this.#serialize(() => this.#deliver());
  }

  heartbeat(): void {
    this.#send({
      v: protocolVersion,
      id: newId('req'),
      type: 'heartbeat',
      at: this.services.clock.now().getTime(),
    });
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    // Unwritten acks are dropped, not written after the database may have closed: see `ackDelayMs`.
    for (const timer of this.#pendingAcks.values()) clearTimeout(timer);
    this.#pendingAcks.clear();
    this.transport.close(code, reason);
  }

  refuse(error: Omit<ErrorFrame, 'id'>): void {
    this.#send({ ...error, id: newId('req') });
  }

  #serialize(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch((err: unknown) => {
      this.services.log.error('tunnel: frame handling failed', {
        runnerId: this.runner.runnerId,
        error: String(err),
      });
    });
    return this.#queue;
  }

  #scope<T>(fn: (ctx: LinkScope['ctx']) => Promise<T>): Promise<T> {
    const { tenantId } = this.runner;
    const { db, clock } = this.services;
    return committing(
      (run) => withTenant(db, tenantId, run),
      (tx, afterCommit) => fn({ db: tx, tenantId, clock, afterCommit }),
    );
  }

  #on(ctx: LinkScope['ctx']): LinkScope {
    return { services: this.services, ctx };
  }

  async #handle(raw: string): Promise<void> {
    const parsed = parseRunnerFrame(raw);
    if (!parsed.ok) {
      this.refuse(parsed.error);
      return;
    }
    const frame: RunnerFrame = parsed.frame;
    const { runnerId } = this.runner;
    switch (frame.type) {
      case 'hello':
        await this.#scope((ctx) => recordHello(ctx, runnerId, frame));
        this.#send({
          v: protocolVersion,
          id: newId('req'),
          type: 'welcome',
          runnerId,
          tenantId: this.runner.tenantId,
          heartbeatIntervalMs: this.services.settings.heartbeatIntervalMs,
          serverTime: this.services.clock.now().getTime(),
          commandKeys: await endorseCommandKeys(this.services.commandKeys, this.services.clock.now()),
        });
        this.#ready = true;
        this.#lastSentSeq = 0;
        if (frame.inventoryError) {
          this.services.log.info('tunnel: runner could not take its inventory; not reconciling', {
            runnerId,
            error: frame.inventoryError,
          });
        } else await this.#reconcile(frame.inventory);
        await this.#deliver();
        return;
      case 'inventory':
        await this.#scope((ctx) => recordInventory(ctx, runnerId, frame.inventory));
        await this.#reconcile(frame.inventory);
        await this.#deliver();
        return;
      case 'ack':
        this.#ackLater(frame.commandId);
        return;
      case 'progress':
        await this.#scope(async (ctx) => {
          await addProgress(ctx, runnerId, frame.commandId, frame.message);
          await this.hooks.events.commandProgress(this.#on(ctx), frame);
        });
        return;
      case 'result':
        this.#cancelAck(frame.commandId);
        await this.#finish({
          commandId: frame.commandId,
          status: frame.status,
          output: frame.output,
          error: frame.error,
        });
        return;
      case 'heartbeat':
        if (this.lastHeardAt - this.#lastTouch > touchEveryMs) {
          this.#lastTouch = this.lastHeardAt;
          await this.#scope((ctx) => touchRunner(ctx, runnerId));
        }
        return;
      case 'error':
        this.services.log.info('tunnel: runner reported an error', {
          runnerId,
          code: frame.code,
          message: frame.message,
        });
        return;
    }
  }

  #ackLater(commandId: string): void {
    if (this.#pendingAcks.has(commandId)) return;
    const timer = setTimeout(() => {
      this.#pendingAcks.delete(commandId);
      void this.#serialize(() => this.#scope((ctx) => markAcked(ctx, this.runner.runnerId, commandId)));
    }, ackDelayMs);
    this.#pendingAcks.set(commandId, timer);
  }

  #cancelAck(commandId: string): void {
    clearTimeout(this.#pendingAcks.get(commandId));
    this.#pendingAcks.delete(commandId);
  }

  /** Acts on the difference between what the runner runs and what the edge wants; never breaks the link. */
  async #reconcile(inventory: InventoryItem[]): Promise<void> {
    const { runnerId } = this.runner;
    try {
      await this.#scope((ctx) => this.hooks.events.inventoryReported(this.#on(ctx), { runnerId, inventory }));
    } catch (err) {
      this.services.log.error('tunnel: reconcile failed', { runnerId, error: String(err) });
    }
  }

  /** Records a final result once, hands it to the one hook, and tells waiters once it is committed. */
  async #finish(outcome: CommandOutcome): Promise<void> {
    const recorded = await this.#scope(async (ctx) => {
      const done = await completeCommand(ctx, this.runner.runnerId, outcome);
      if (!done) return false;
      await this.hooks.events.commandFinished(this.#on(ctx), { ...done, ...outcome });
      return true;
    });
    if (recorded) this.hooks.resultRecorded(outcome);
  }

  /** A command that cannot be signed (its sealed secrets no longer open) fails at once: it must not hold up the queue. */
  async #failUndeliverable(commandId: string, err: unknown): Promise<void> {
    const error = `the edge could not prepare this command: ${err instanceof Error ? err.message : String(err)}`;
    this.services.log.error('tunnel: command not deliverable', {
      runnerId: this.runner.runnerId,
      commandId,
      error,
    });
    await this.#finish({ commandId, status: 'failed', error });
  }

  async #deliver(): Promise<void> {
    if (!this.#ready || this.#closed) return;
    // Marked sent before the frames go out, in the transaction that read them: one transaction
    // less per command while the runner waits. A frame lost after this is still re-sent on
    // reconnect, since `sent` commands count as open.
    const rows = await this.#scope(async (ctx) => {
      const open = await openCommands(ctx, this.runner.runnerId, this.#lastSentSeq);
      await markSent(
        ctx,
        this.runner.runnerId,
        open.map((r) => r.id),
      );
      return open;
    });
    if (!rows.length) return;
    const now = this.services.clock.now();
    for (const row of rows) {
      const token = await signCommand(this.services, row, now).catch(async (err: unknown) => {
        await this.#failUndeliverable(row.id, err);
        return undefined;
      });
      if (!token) continue;
      this.#send({
        v: protocolVersion,
        id: newId('req'),
        type: 'command',
        commandId: row.id,
        seq: row.seq,
        token,
      });
      this.#lastSentSeq = row.seq;
    }
  }

  #send(frame: EdgeFrame): void {
    if (!this.#closed) this.transport.send(frame);
  }
}
