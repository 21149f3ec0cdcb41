import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { expect, it } from 'vitest';
import { watchEngine } from './engine-watch.ts';

/** An engine whose restarts are quicker than any poll: pings always answer; only the event stream ends. */
function quickRestartingEngine() {
  const streams: PassThrough[] = [];
  const docker = {
    ping: async () => 'OK',
    getEvents: async () => {
      const stream = new PassThrough();
      streams.push(stream);
      return stream;
    },
  };
  return { docker: docker as unknown as Docker, streams, restart: () => streams.at(-1)?.end() };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

it('sees a restart between two pings through the end of the event stream, then the engine up again', async () => {
  const engine = quickRestartingEngine();
  const seen: string[] = [];
  const stop = watchEngine(
    engine.docker,
    { pingIntervalMs: 20, pingTimeoutMs: 100 },
    { down: (error) => seen.push(`down: ${error}`), up: () => void seen.push('up') },
  );
  try {
    await until(() => engine.streams.length === 1);
    engine.restart();
    await until(() => seen.length === 2);
    expect(seen).toEqual(['down: the engine closed its event stream', 'up']);
    // Following again after it is back: the next restart is seen too.
    await until(() => engine.streams.length === 2);
    engine.restart();
    await until(() => seen.length === 4);
  } finally {
    stop();
  }
  expect(engine.streams.at(-1)?.destroyed).toBe(true);
});

it('says nothing when watching stops, and nothing while the engine stays up', async () => {
  const engine = quickRestartingEngine();
  const seen: string[] = [];
  const stop = watchEngine(
    engine.docker,
    { pingIntervalMs: 10, pingTimeoutMs: 100 },
    { down: () => seen.push('down'), up: () => void seen.push('up') },
  );
  await until(() => engine.streams.length === 1);
  await new Promise((r) => setTimeout(r, 60));
  stop();
  await new Promise((r) => setTimeout(r, 30));
  expect(seen).toEqual([]);
  expect(engine.streams).toHaveLength(1);
});
