/**
 * The Docker engine's own event stream, kept while the bench runs: when an image was tagged (its
 * build ended) and a container started, on the engine's clock, so the runner's phases can be timed
 * without touching its code.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

export type EngineEvent = { atMs: number; type: string; action: string; name: string };

type RawEvent = {
  Type?: string;
  Action?: string;
  timeNano?: number;
  Actor?: { Attributes?: { name?: string } };
};

export async function recordEngineEvents(docker: Docker) {
  const events: EngineEvent[] = [];
  const stream = (await docker.getEvents({
    filters: { type: ['image', 'container'], event: ['tag', 'start'] },
  })) as Readable;
  // Once the stream broke (the engine went away), the bench cannot time phases any more: it stops
  // with this reason at the next lookup instead of dying on an unhandled 'error' event.
  let broken: Error | undefined;
  let stopped = false;
  const breakWith = (reason: string) => {
    broken ??= new Error(`the Docker engine's event stream broke (${reason}): is the engine still running?`);
    stream.destroy();
  };
  const lines = createInterface({ input: stream });
  lines.on('line', (line) => {
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch {
      return breakWith(`not an event: ${line.slice(0, 80)}`);
    }
    events.push({
      atMs: (raw.timeNano ?? 0) / 1e6,
      type: raw.Type ?? '',
      action: raw.Action ?? '',
      name: raw.Actor?.Attributes?.name ?? '',
    });
  });
  // readline re-emits its input's errors: both are handled, or either would end the process.
  lines.on('error', (error) => breakWith(error.message));
  stream.on('error', (error) => breakWith(error.message));
  stream.on('close', () => {
    if (!stopped) breakWith('the engine closed it');
  });
  return {
    /** The last matching event at or after `sinceMs`; waits briefly, since the stream may lag the API. */
    async last(action: string, namePrefix: string, sinceMs: number): Promise<number> {
      for (let i = 0; i < 50; i++) {
        const found = events
          .filter((e) => e.action === action && e.name.startsWith(namePrefix) && e.atMs >= sinceMs)
          .at(-1);
        if (found) return found.atMs;
        if (broken) throw broken;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw broken ?? new Error(`no engine event ${action} for ${namePrefix}`);
    },
    stop: () => {
      stopped = true;
      lines.close();
      stream.destroy();
    },
  };
}
