import type { RunnerFrame } from '@cameleer/shared';
import { type HttpFetch, isRevokedProblem, proxiedFetch, readProblem } from '../proxy/http-client.ts';
import { type SessionEnd, type SessionOptions, TransportSession } from './transport-session.ts';

export type LongPollSessionOptions = SessionOptions & { pollWaitSeconds: number; fetch?: HttpFetch };

type Outgoing = { frame: RunnerFrame; resolve(): void; reject(err: Error): void };

/**
 * The tunnel over plain HTTPS requests for networks whose proxies break WebSocket upgrades: one
 * request waits for the edge's frames (`?wait=25`), others carry the runner's frames at once (`?wait=0`).
 */
export class LongPollSession extends TransportSession {
  readonly transport = 'long-poll' as const;
  private readonly aborts = new Set<AbortController>();
  private outgoing: Outgoing[] = [];
  private flushing = false;
  private opened = false;

  constructor(protected override readonly opts: LongPollSessionOptions) {
    super(opts);
  }

  start(): void {
    void this.pollLoop();
  }

  send(frame: RunnerFrame): Promise<void> {
    if (this.ended) return Promise.reject(new Error('the long-poll session is closed'));
    return new Promise((resolve, reject) => {
      this.outgoing.push({ frame, resolve, reject });
      queueMicrotask(() => void this.flush());
    });
  }

  protected close(): void {
    for (const abort of this.aborts) abort.abort();
    const pending = this.outgoing;
    this.outgoing = [];
    for (const item of pending) item.reject(new Error('the long-poll session closed'));
  }

  private async pollLoop(): Promise<void> {
    let frames: RunnerFrame[] = [this.helloFrame()];
    while (!this.ended) {
      const ok = await this.exchange(frames, this.opts.pollWaitSeconds);
      if (!ok || this.ended) return;
      frames = [];
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.ended) return;
    this.flushing = true;
    try {
      while (this.outgoing.length > 0 && !this.ended) {
        const batch = this.outgoing.splice(0, 100);
        const ok = await this.exchange(
          batch.map((b) => b.frame),
          0,
        );
        for (const item of batch) {
          if (ok) item.resolve();
          else item.reject(new Error('the edge did not take the frames'));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** One request: posts `frames`, hands the answer's frames on. False (and the session ended) on failure. */
  private async exchange(frames: RunnerFrame[], waitSeconds: number): Promise<boolean> {
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), (waitSeconds + 15) * 1000);
    try {
      const res = await (this.opts.fetch ?? proxiedFetch)(`${this.opts.url}?wait=${waitSeconds}`, {
        method: 'POST',
        headers: { authorization: await this.opts.authorization(), 'content-type': 'application/json' },
        body: JSON.stringify({ frames }),
        signal: abort.signal,
      });
      if (!res.ok) {
        this.end(await refusal(res));
        return false;
      }
      const body = (await res.json()) as { frames?: unknown };
      if (this.ended) return false;
      if (!this.opened) {
        this.opened = true;
        this.opts.logger.info('tunnel open', { transport: this.transport, url: this.opts.url });
        this.emit('open', { transport: this.transport });
      }
      this.heartbeat.touch();
      for (const frame of Array.isArray(body.frames) ? body.frames : []) this.received(JSON.stringify(frame));
      return true;
    } catch (err) {
      if (!this.ended) {
        const cause = (err as Error).cause as Error | undefined;
        this.end({
          kind: 'dropped',
          reason: `poll failed: ${cause?.message ?? (err as Error).message}`,
          welcomed: this.welcomed,
        });
      }
      return false;
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }
}

async function refusal(res: Awaited<ReturnType<HttpFetch>>): Promise<SessionEnd> {
  const problem = await readProblem(res);
  const reason = `the edge answered the poll with HTTP ${res.status}${problem.detail ? `: ${problem.detail}` : ''}`;
  if ((res.status === 401 || res.status === 403) && isRevokedProblem(problem)) {
    return { kind: 'revoked', reason: problem.detail ?? reason };
  }
  if (res.status === 401) return { kind: 'unauthorized', reason };
  return { kind: 'dropped', reason, welcomed: false };
}
