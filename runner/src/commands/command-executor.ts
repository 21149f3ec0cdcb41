import { randomUUID } from 'node:crypto';
import { type CommandFrame, protocolVersion, type RunnerFrame, type SignedCommand } from '@cameleer/shared';
import type { Logger } from '../logger.ts';
import type { CommandJournal, CommandOutcome, JournalEntry } from '../state/journal.ts';
import type { CommandVerifier } from './command-verifier.ts';
import { type CommandHandlers, notSupportedYet, type RunnerInfo } from './handlers.ts';
import { journalDurability } from './replay-safe-kinds.ts';

export type CommandExecutorDeps = {
  journal: CommandJournal;
  verifier: () => CommandVerifier;
  handlers: CommandHandlers;
  runner: RunnerInfo;
  logger: Logger;
  /** Sends a frame now if connected; frames sent while offline are dropped (results are replayed from the journal). */
  send(frame: RunnerFrame): void;
  /** Sends a result and marks it delivered in the journal once the transport confirms it. */
  sendResult(entry: JournalEntry): void;
  /** Called right before a handler runs: the one place that proves how often an effect happened. */
  onRun?(command: SignedCommand): void;
  onFinished?(command: SignedCommand, outcome: CommandOutcome): void;
};

const frameId = () => randomUUID();

/** Reads that may last (a log follow): they run at once beside the queue, so they never hold up a deploy. */
const besideQueue = new Set<SignedCommand['kind']>(['logs']);

/**
 * Verifies, acknowledges, de-duplicates and executes commands, journaling each before and after it
 * runs: one at a time in the order they arrived, but for log reads, which run at once.
 */
export class CommandExecutor {
  private receiving: Promise<void> = Promise.resolve();
  private executing: Promise<void> = Promise.resolve();
  private readonly aside = new Set<Promise<void>>();
  private readonly queued = new Set<string>();
  private readonly interruption = new AbortController();

  constructor(private readonly deps: CommandExecutorDeps) {}

  /** Takes a command frame; resolves when it has been verified and acknowledged (not when it finished). */
  receive(frame: CommandFrame): Promise<void> {
    this.receiving = this.receiving.then(() => this.accept(frame)).catch((err) => this.logFailure(err));
    return this.receiving;
  }

  /** Resolves when every command received so far has finished. */
  async idle(): Promise<void> {
    await this.receiving;
    await this.executing;
    await Promise.all(this.aside);
  }

  /** Asks running handlers to stop early (a log follow ends); used when the runner stops. */
  interrupt(): void {
    this.interruption.abort();
  }

  private async accept(frame: CommandFrame): Promise<void> {
    const { journal, logger } = this.deps;
    const verdict = await this.deps.verifier().verify(frame);
    if (!verdict.ok) {
      logger.warn('command refused', { commandId: frame.commandId, reason: verdict.reason });
      if (!verdict.trustedCommandId) {
        this.deps.send({
          v: protocolVersion,
          id: frameId(),
          type: 'error',
          code: 'unauthorized',
          message: verdict.reason,
        });
        return;
      }
      const known = journal.get(verdict.trustedCommandId);
      if (known?.outcome) this.deps.sendResult(known);
      else if (!known && !this.queued.has(verdict.trustedCommandId)) {
        journal.start({ commandId: verdict.trustedCommandId, seq: frame.seq, kind: 'refused' });
        this.deps.sendResult(
          journal.finish(verdict.trustedCommandId, { status: 'failed', error: verdict.reason }),
        );
      }
      return;
    }
    const { command } = verdict;
    this.deps.send({ v: protocolVersion, id: frameId(), type: 'ack', commandId: command.commandId });
    const known = journal.get(command.commandId);
    if (known?.outcome) {
      logger.info('command already finished: resending its result', { commandId: command.commandId });
      this.deps.sendResult(known);
      return;
    }
    if (known || this.queued.has(command.commandId)) return;
    this.queued.add(command.commandId);
    if (besideQueue.has(command.kind)) {
      const running: Promise<void> = this.execute(command)
        .catch((err) => this.logFailure(err))
        .finally(() => {
          this.queued.delete(command.commandId);
          this.aside.delete(running);
        });
      this.aside.add(running);
      return;
    }
    this.executing = this.executing
      .then(() => this.execute(command))
      .catch((err) => this.logFailure(err))
      .finally(() => this.queued.delete(command.commandId));
  }

  private async execute(command: SignedCommand): Promise<void> {
    const { journal, logger } = this.deps;
    const durability = journalDurability(command.kind);
    journal.start(command, Date.now(), durability);
    logger.info('command started', { commandId: command.commandId, kind: command.kind, seq: command.seq });
    const outcome = await this.run(command);
    const entry = journal.finish(command.commandId, outcome, Date.now(), durability);
    logger.info('command finished', {
      commandId: command.commandId,
      status: outcome.status,
      error: outcome.error,
    });
    this.deps.onFinished?.(command, outcome);
    this.deps.sendResult(entry);
  }

  private async run(command: SignedCommand): Promise<CommandOutcome> {
    const handler = this.deps.handlers[command.kind];
    if (!handler) return { status: 'failed', error: `${command.kind}: ${notSupportedYet}` };
    this.deps.onRun?.(command);
    try {
      const output = await handler({
        command,
        runner: this.deps.runner,
        signal: this.interruption.signal,
        progress: (message) =>
          this.deps.send({
            v: protocolVersion,
            id: frameId(),
            type: 'progress',
            commandId: command.commandId,
            message,
          }),
      });
      return { status: 'succeeded', output: output ?? {} };
    } catch (err) {
      return { status: 'failed', error: err instanceof Error ? err.message : String(err) };
    }
  }

  private logFailure(err: unknown): void {
    this.deps.logger.error('command handling failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
