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
  // Each poll is one loopback GET and one inspect: cheap enough to poll often while a quick app
  // comes up, then less often for one that takes its time (a large Spring context).
  const started = Date.now();
  const interval = () => opts.intervalMs ?? (Date.now() - started < 5000 ? 50 : 250);
  let last = 'no answer yet';
  // Without an HTTP path, "healthy" means still running after a short grace.
  const graceUntil = Date.now() + Math.min(3000, opts.timeoutSeconds * 1000);
  const probe = async (path: string): Promise<boolean> => {
    try {
      const res = await fetch(new URL(path, opts.url), { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return true;
      last = `GET ${path} answered ${res.status}`;
    } catch (err) {
      last = `GET ${path} failed: ${(err as Error).cause ?? (err as Error).message}`;
    }
    return false;
  };
  while (Date.now() < deadline) {
    // Side by side: the engine's answer and the app's do not wait for each other.
    const [exited, answered] = await Promise.all([opts.exited(), opts.path ? probe(opts.path) : false]);
    if (exited) return { healthy: false, reason: exited };
    if (answered || (!opts.path && Date.now() >= graceUntil)) return { healthy: true };
    await new Promise((r) => setTimeout(r, interval()));
  }
  return { healthy: false, reason: `not healthy within ${opts.timeoutSeconds} s (${last})` };
}
