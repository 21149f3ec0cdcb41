import { LRUCache } from 'lru-cache';
import type { TenantRow } from '../db/schema/tenants.ts';
import { sha256Hex } from './hash.ts';
import type { CredentialCheck, CredentialRejection } from './principal.ts';

/**
 * Credential → principal, keyed by the SHA-256 of the credential, bounded, and
 * never kept past the credential's own expiry. Unknown credentials are cached
 * briefly too, so a flood of bad tokens does not become a flood of queries.
 * Active tenants by id or slug are kept beside them for the same time, so an
 * authenticated request on a warm cache reads no row at all. Any change to
 * tokens, members or tenants clears it (see `invalidate`).
 */
export class AuthCache {
  readonly #principals: LRUCache<string, CredentialCheck>;
  readonly #verdicts: LRUCache<string, ForwardAuthVerdict>;
  readonly #tenants: LRUCache<string, TenantRow>;

  readonly #hash: (token: string) => string | Promise<string>;

  constructor(
    readonly opts: {
      max: number;
      ttlMs: number;
      negativeTtlMs: number;
      now: () => number;
      /**
       * SHA-256 hex of a credential. WebCrypto by default; Node passes its
       * synchronous hash, since a WebCrypto digest is a thread-pool round trip
       * and was most of ForwardAuth's cost.
       */
      hash?: (token: string) => string | Promise<string>;
    },
  ) {
    this.#hash = opts.hash ?? sha256Hex;
    this.#principals = new LRUCache({ max: opts.max, ttlAutopurge: false, perf: { now: opts.now } });
    this.#verdicts = new LRUCache({ max: opts.max, ttlAutopurge: false, perf: { now: opts.now } });
    this.#tenants = new LRUCache({
      max: opts.max,
      ttl: opts.ttlMs,
      ttlAutopurge: false,
      perf: { now: opts.now },
    });
  }

  /** The cache key of a credential: its SHA-256 in hex. */
  keyOf(token: string): string | Promise<string> {
    return this.#hash(token);
  }

  getPrincipal(tokenHash: string): CredentialCheck | undefined {
    return this.#principals.get(tokenHash);
  }

  setPrincipal(tokenHash: string, check: CredentialCheck): void {
    const { principal } = check;
    const ttl = principal ? this.#ttlUntil(principal.expiresAt, this.opts.ttlMs) : this.opts.negativeTtlMs;
    if (ttl > 0) this.#principals.set(tokenHash, check, { ttl });
  }

  getVerdict(key: string): ForwardAuthVerdict | undefined {
    return this.#verdicts.get(key);
  }

  setVerdict(key: string, verdict: ForwardAuthVerdict, expiresAt: number): void {
    const ttl = this.#ttlUntil(expiresAt, verdict.status === 200 ? this.opts.ttlMs : this.opts.negativeTtlMs);
    if (ttl > 0) this.#verdicts.set(key, verdict, { ttl });
  }

  /** An active tenant by the id or slug a request named; unknown ones are not kept, so a new tenant is found at once. */
  getTenant(idOrSlug: string): TenantRow | undefined {
    return this.#tenants.get(idOrSlug);
  }

  setTenant(idOrSlug: string, tenant: TenantRow): void {
    this.#tenants.set(idOrSlug, tenant);
  }

  invalidate(): void {
    this.#principals.clear();
    this.#verdicts.clear();
    this.#tenants.clear();
  }

  #ttlUntil(expiresAt: number, cap: number): number {
    return Math.floor(Math.min(cap, expiresAt - this.opts.now()));
  }
}

export type ForwardAuthVerdict = {
  status: 200 | 401 | 403;
  headers?: Record<string, string>;
  /** Why a 401 refused the credential that was sent. */
  rejection?: CredentialRejection;
  /** Why a 403 refused: the caller is no member of the host's tenant, or no tenant owns the host. */
  refusal?: 'not-a-member' | 'unknown-host';
};
