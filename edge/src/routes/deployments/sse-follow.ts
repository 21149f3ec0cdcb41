import type { SSEStreamingApi } from 'hono/streaming';

export type FollowOptions = {
  /** How often the database is read again. */
  pollMs: number;
  /** The edge is stateless: a stream ends after this and the EventSource reconnects where it stopped. */
  lifetimeMs: number;
  /** Sends what is new; true when the stream is complete (its `end` was sent). */
  step: () => Promise<boolean>;
};

/** A comment line this often keeps proxies from closing a quiet stream and finds a gone client. */
const keepAliveMs = 15_000;

/** Polls until the step completes, the client leaves or the lifetime is over. */
export async function followStream(stream: SSEStreamingApi, opts: FollowOptions): Promise<void> {
  const started = performance.now();
  let lastKeepAlive = started;
  while (!stream.aborted && performance.now() - started < opts.lifetimeMs) {
    if (await opts.step()) return;
    if (performance.now() - lastKeepAlive > keepAliveMs) {
      await stream.write(': keep-alive\n\n');
      lastKeepAlive = performance.now();
    }
    await stream.sleep(opts.pollMs);
  }
}

/** The resume point: the browser's Last-Event-ID on reconnect, or `after` when a client reopens on its own. */
export function lastEventId(header: string | undefined, after: string | undefined): string | undefined {
  return header?.trim() || after || undefined;
}
