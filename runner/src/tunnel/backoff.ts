/** Exponential backoff with full jitter: each delay is uniform in [0, min(cap, base·2^attempt)). */
export type BackoffOptions = { baseMs: number; capMs: number; random?: () => number };

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions) {
    this.random = opts.random ?? Math.random;
  }

  /** The ceiling of the next delay, before jitter. */
  ceilingMs(): number {
    return Math.min(this.opts.capMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 30));
  }

  next(): number {
    const delay = Math.floor(this.random() * this.ceilingMs());
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
