import type { EdgeFrame } from '@cameleer/shared';
import type { LinkTransport } from './runner-link.ts';

/**
 * The long-poll transport of a runner: frames for it wait in an outbox until
 * the next poll takes them, or wake a poll that is already waiting.
 */
export class PollChannel implements LinkTransport {
  readonly kind = 'long-poll' as const;
  #outbox: EdgeFrame[] = [];
  #waiter: (() => void) | undefined;
  closed = false;

  send(frame: EdgeFrame): void {
    this.#outbox.push(frame);
    this.#wake();
  }

  close(): void {
    this.closed = true;
    this.#wake();
  }

  /** Frames waiting now, or the first ones to arrive within `waitMs`. */
  async take(waitMs: number): Promise<EdgeFrame[]> {
    if (!this.#outbox.length && waitMs > 0 && !this.closed) {
      this.#wake();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => this.#wake(), waitMs);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const frames = this.#outbox;
    this.#outbox = [];
    return frames;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
