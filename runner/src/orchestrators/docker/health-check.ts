/** Polls an instance's HTTP health path until it answers 2xx, the container dies, or time runs out. */

export type HealthResult = { healthy: true } | { healthy: false; reason: string };

export async function waitHealthy(opts: {
  url: string;
  path?: string;
  timeoutSeconds: number;
  /** Undefined while the container still runs, else why it stopped. */
  exited: () => Promise<string | undefined>;
  intervalMs?: number;
}): Promise<HealthResult> {
  const deadline = Date.now() + opts.timeoutSeconds * 1000;
  // Short: each poll is one loopback GET and one inspect, and a JVM answers within a poll of being up.
  const interval = opts.intervalMs ?? 100;
  let last = 'no answer yet';
  // Without an HTTP path, "healthy" means still running after a short grace.
  const graceUntil = Date.now() + Math.min(3000, opts.timeoutSeconds * 1000);
  while (Date.now() < deadline) {
    const exited = await opts.exited();
    if (exited) return { healthy: false, reason: exited };
    if (opts.path) {
      try {
        const res = await fetch(new URL(opts.path, opts.url), { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.ok) return { healthy: true };
        last = `GET ${opts.path} answered ${res.status}`;
      } catch (err) {
        last = `GET ${opts.path} failed: ${(err as Error).cause ?? (err as Error).message}`;
      }
    } else if (Date.now() >= graceUntil) {
      return { healthy: true };
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  return { healthy: false, reason: `not healthy within ${opts.timeoutSeconds} s (${last})` };
}
