import type { AwaitResultOptions, CommandOutcome } from './hub.ts';

/**
 * Who waits for which command's result, for a hub to settle when it records one.
 * Plain timers and `AbortSignal` only, so any runtime's hub can hold one.
 */
export class ResultWaiters {
  readonly #waiting = new Map<string, Set<(outcome: CommandOutcome | undefined) => void>>();

  wait(
    commandId: string,
    { signal, timeoutMs }: Omit<AwaitResultOptions, 'tenantId'>,
  ): Promise<CommandOutcome | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(commandId) ?? new Set();
      this.#waiting.set(commandId, waiters);
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(undefined), timeoutMs);
      const onAbort = () => done(undefined);
      const done = (outcome: CommandOutcome | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(done);
        if (!waiters.size) this.#waiting.delete(commandId);
        resolve(outcome);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(done);
    });
  }

  /** Hands a recorded result to everyone waiting for it. */
  settle(outcome: CommandOutcome): void {
    for (const done of [...(this.#waiting.get(outcome.commandId) ?? [])]) done(outcome);
  }

  /** Ends every wait without a result (the hub stops). */
  clear(): void {
    for (const waiters of [...this.#waiting.values()]) for (const done of [...waiters]) done(undefined);
  }

  get size(): number {
    return this.#waiting.size;
  }
}
