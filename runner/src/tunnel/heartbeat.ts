/**
 * Sends a heartbeat every interval and declares the peer dead when nothing has arrived from it for
 * two intervals, and never later than `maxSilenceMs`.
 */
export class Heartbeat {
  private sendTimer: NodeJS.Timeout | undefined;
  private deadTimer: NodeJS.Timeout | undefined;
  private silenceMs: number;

  constructor(
    private readonly opts: { maxSilenceMs: number; send(): void; onDead(silenceMs: number): void },
  ) {
    this.silenceMs = opts.maxSilenceMs;
  }

  /** Watches for silence before the interval is known (until `welcome`). */
  watch(): void {
    this.touch();
  }

  start(intervalMs: number): void {
    this.silenceMs = Math.min(2 * intervalMs, this.opts.maxSilenceMs);
    clearInterval(this.sendTimer);
    this.sendTimer = setInterval(() => this.opts.send(), intervalMs);
    this.sendTimer.unref();
    this.touch();
  }

  /** Something arrived from the peer. */
  touch(): void {
    clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => this.opts.onDead(this.silenceMs), this.silenceMs);
    this.deadTimer.unref();
  }

  stop(): void {
    clearInterval(this.sendTimer);
    clearTimeout(this.deadTimer);
    this.sendTimer = undefined;
    this.deadTimer = undefined;
  }
}
