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
  createInterface({ input: stream }).on('line', (line) => {
    const raw = JSON.parse(line) as RawEvent;
    events.push({
      atMs: (raw.timeNano ?? 0) / 1e6,
      type: raw.Type ?? '',
      action: raw.Action ?? '',
      name: raw.Actor?.Attributes?.name ?? '',
    });
  });
  stream.on('error', () => {});
  return {
    /** The last matching event at or after `sinceMs`; waits briefly, since the stream may lag the API. */
    async last(action: string, namePrefix: string, sinceMs: number): Promise<number> {
      for (let i = 0; i < 50; i++) {
        const found = events
          .filter((e) => e.action === action && e.name.startsWith(namePrefix) && e.atMs >= sinceMs)
          .at(-1);
        if (found) return found.atMs;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no engine event ${action} for ${namePrefix}`);
    },
    stop: () => stream.destroy(),
  };
}
