import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { expect, it } from 'vitest';
import { recordEngineEvents } from './engine-events.ts';

/** Stands in for dockerode: only `getEvents`, answering with a stream the test controls. */
const engineWith = (stream: PassThrough) => ({ getEvents: async () => stream }) as unknown as Docker;

it('reads the events the engine streams', async () => {
  const stream = new PassThrough();
  const engine = await recordEngineEvents(engineWith(stream));
  stream.write(
    `${JSON.stringify({ Type: 'container', Action: 'start', timeNano: 2e9, Actor: { Attributes: { name: 'cameleer-a' } } })}\n`,
  );
  await expect(engine.last('start', 'cameleer-', 1000)).resolves.toBe(2000);
  engine.stop();
});

it('stops with a message when the engine goes away mid-stream, instead of crashing the bench', async () => {
  const stream = new PassThrough();
  const engine = await recordEngineEvents(engineWith(stream));
  stream.write('{"Type":"image","Action":"tag","timeNano":1000000000,"Actor":{"Attributes":{"name":"x"}}}\n');
  stream.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  await expect(engine.last('start', 'cameleer-', 0)).rejects.toThrow(
    /Docker engine's event stream broke \(socket hang up\)/,
  );
});

it('says so when the engine sends a line that is not JSON', async () => {
  const stream = new PassThrough();
  const engine = await recordEngineEvents(engineWith(stream));
  stream.write('<html>proxy error</html>\n');
  await expect(engine.last('start', 'cameleer-', 0)).rejects.toThrow(/not an event/);
  engine.stop();
});
