import type { InventoryItem } from '@cameleer/shared';
import type { Logger } from '../logger.ts';

export type InventoryReporterOptions = {
  /** Lists what runs now; throws when it cannot tell (engine down): nothing is sent then. */
  take(): Promise<InventoryItem[]>;
  /** Sends the inventory if connected; false when there is no tunnel (the next hello carries it). */
  send(inventory: InventoryItem[]): Promise<boolean>;
  /** Resend this often even when nothing changed, as a safety net (0: never). */
  intervalMs: number;
  /** Changes closer together than this are reported once (a crash loop, a deploy's steps). */
  settleMs: number;
  logger: Logger;
};

/**
 * Tells the edge what runs whenever it changes, coalesced: one send in flight at a time, one more
 * queued at most. An inventory is only sent if no change happened while it was taken, so a frame
 * never reports a state older than a command result sent before it.
 */
export class InventoryReporter {
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly opts: InventoryReporterOptions) {}

  start(): void {
    this.stopped = false;
    if (this.opts.intervalMs > 0 && !this.periodic) {
      this.periodic = setInterval(() => this.request(), this.opts.intervalMs);
      this.periodic.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.periodic);
    clearTimeout(this.timer);
    this.periodic = undefined;
    this.timer = undefined;
  }

  /** What runs changed (a command finished, an instance crashed, the engine came back). */
  changed(): void {
    this.generation += 1;
    this.request();
  }

  /** Resolves once nothing is scheduled or in flight (tests). */
  async settled(): Promise<void> {
    while (this.timer || this.inFlight) await (this.inFlight ?? new Promise((r) => setTimeout(r, 10)));
  }

  private request(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.report().finally(() => {
        this.inFlight = undefined;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
    }, this.opts.settleMs);
    this.timer.unref();
  }

  private async report(): Promise<void> {
    let inventory: InventoryItem[] | undefined;
    for (let attempt = 0; attempt < 3 && !inventory; attempt++) {
      const before = this.generation;
      try {
        const taken = await this.opts.take();
        if (this.generation === before) inventory = taken;
      } catch (err) {
        this.opts.logger.warn('inventory not sent: it could not be taken', { error: (err as Error).message });
        return;
      }
    }
    if (!inventory) {
      this.again = true;
      return;
    }
    try {
      await this.opts.send(inventory);
    } catch (err) {
      this.opts.logger.warn('inventory not sent', { error: (err as Error).message });
    }
  }
}
