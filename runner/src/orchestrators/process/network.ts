import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port free on this machine now; the OS picks it, so parallel callers do not collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** `anyStatus`: without a health path, any HTTP answer means the app is listening. */
export type HealthProbe = { url: string; timeoutMs: number; signal: AbortSignal; anyStatus?: boolean };

/** Polls until the URL answers 2xx; false when the timeout passes or the signal aborts first. */
export async function waitForHealthy({ url, timeoutMs, signal, anyStatus }: HealthProbe): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]),
      });
      await response.body?.cancel();
      if (response.ok || anyStatus) return true;
    } catch {
      // not listening yet
    }
    await sleep(150, undefined, { signal }).catch(() => undefined);
  }
  return false;
}
