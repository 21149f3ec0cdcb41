import { LRUCache } from 'lru-cache';

/** Remembers the `jti` of every runner credential until it expires, so a captured one cannot be replayed. */
export class ReplayGuard {
  readonly #seen: LRUCache<string, true>;
  constructor(readonly opts: { max: number; now: () => number }) {
    this.#seen = new LRUCache({ max: opts.max, perf: { now: opts.now } });
  }

  /** True the first time a `jti` is seen before `expiresAt`; false on any replay. */
  firstUse(jti: string, expiresAt: number): boolean {
    if (this.#seen.has(jti)) return false;
    const ttl = Math.max(1, Math.ceil(expiresAt - this.opts.now()));
    this.#seen.set(jti, true, { ttl });
    return true;
  }
}
