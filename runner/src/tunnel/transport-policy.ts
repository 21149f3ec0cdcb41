import type { Transport } from '@cameleer/shared';
import type { SessionEnd } from './transport-session.ts';

/** Statuses that say "busy", not "this proxy breaks upgrades". */
const transientStatuses = new Set([429, 503]);

/** Whether a WebSocket session ended the way a proxy that breaks upgrades makes it end. */
export function looksLikeBrokenUpgrade(end: SessionEnd): boolean {
  if (end.kind === 'upgrade-timeout') return true;
  return end.kind === 'upgrade-refused' && !transientStatuses.has(end.status);
}

/**
 * Chooses the transport: WebSocket first; long-poll after `fallbackAfter` broken upgrades in a row
 * (the caller confirms the edge itself answers plain HTTPS); WebSocket again when a periodic retry works.
 */
export class TransportPolicy {
  private current: Transport = 'websocket';
  private brokenUpgrades = 0;
  private retrying = false;

  constructor(private readonly fallbackAfter: number) {}

  get mode(): Transport {
    return this.current;
  }

  /** After a session on the current transport ended: true when the caller should check /healthz and fall back. */
  shouldFallBack(end: SessionEnd): boolean {
    if (this.current !== 'websocket') return false;
    if (!looksLikeBrokenUpgrade(end)) {
      this.brokenUpgrades = 0;
      this.retrying = false;
      return false;
    }
    this.brokenUpgrades += 1;
    return this.retrying || this.brokenUpgrades >= this.fallbackAfter;
  }

  fallBack(): void {
    this.current = 'long-poll';
    this.brokenUpgrades = 0;
    this.retrying = false;
  }

  /** The periodic retry: one WebSocket attempt; a single broken upgrade sends it back to long-poll. */
  retryWebSocket(): void {
    this.current = 'websocket';
    this.retrying = true;
  }

  connected(): void {
    if (this.current === 'websocket') {
      this.brokenUpgrades = 0;
      this.retrying = false;
    }
  }
}
