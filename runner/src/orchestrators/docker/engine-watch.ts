import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

type AbortablePing = { ping(opts: { abortSignal: AbortSignal }): Promise<unknown> };

export type EngineWatchOptions = {
  /** Health poll period. */
  pingIntervalMs: number;
  /** How long a ping may take before the engine counts as down. */
  pingTimeoutMs: number;
};

export type EngineWatchHandlers = {
  down(error: string): void;
  up(): void | Promise<void>;
};

/**
 * Tells when the engine goes away and when it answers again. Two signals: a ping every interval,
 * and the engine's event stream, held open while the engine is up — it ends the moment the engine
 * stops, so a restart quicker than the poll interval is still seen as down, then up. Returns a
 * function that stops watching.
 */
export function watchEngine(
  docker: Docker,
  opts: EngineWatchOptions,
  handlers: EngineWatchHandlers,
): () => void {
  let watching = true;
  let up = true;
  let events: Readable | undefined;
  let timer: NodeJS.Timeout | undefined;

  const wentDown = (error: string) => {
    if (!watching || !up) return;
    up = false;
    handlers.down(error);
  };

  const followEvents = async () => {
    try {
      // Only daemon events: the stream is for its end, not its content.
      const stream = (await docker.getEvents({ filters: { type: ['daemon'] } })) as Readable;
      if (!watching || !up) {
        stream.destroy();
        return;
      }
      events = stream;
      const ended = () => {
        if (events !== stream) return;
        events = undefined;
        wentDown('the engine closed its event stream');
      };
      stream.on('data', () => {});
      stream.once('end', ended);
      stream.once('close', ended);
      stream.once('error', ended);
    } catch {
      // The next ping decides.
    }
  };

  const tick = async () => {
    try {
      // A stopping engine can hold a request open: a ping without an answer in time means down.
      // dockerode takes `abortSignal` on ping; its types do not say so.
      await (docker as unknown as AbortablePing).ping({
        abortSignal: AbortSignal.timeout(opts.pingTimeoutMs),
      });
      if (!up && watching) {
        up = true;
        await handlers.up();
      }
      if (up && watching && !events) await followEvents();
    } catch (err) {
      wentDown((err as Error).message);
    }
    if (watching) timer = setTimeout(tick, opts.pingIntervalMs);
  };
  timer = setTimeout(tick, 0);

  return () => {
    watching = false;
    clearTimeout(timer);
    const stream = events;
    events = undefined;
    stream?.destroy();
  };
}
