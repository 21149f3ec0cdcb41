import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { expect, it } from 'vitest';
import type { OrchestratorChange } from '../orchestrator.ts';
import { DockerOrchestrator } from './docker-orchestrator.ts';

/** An engine that runs nothing and restarts quicker than a ping: only its event stream ends. */
function restartingEngine() {
  const streams: PassThrough[] = [];
  const docker = {
    ping: async () => 'OK',
    listContainers: async () => [],
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

it('watches the engine while any listener remains, and tells each what runs once it is back', async () => {
  const engine = restartingEngine();
  const orchestrator = new DockerOrchestrator({
    docker: engine.docker,
    domain: 'localhost',
    pingIntervalMs: 20,
  });
  const front: OrchestratorChange[] = [];
  const inventory: OrchestratorChange[] = [];
  const stopFront = orchestrator.watchChanges((change) => front.push(change));
  const stopInventory = orchestrator.watchChanges((change) => inventory.push(change));
  try {
    await until(() => engine.streams.length === 1);
    engine.restart();
    await until(() => front.length === 1 && inventory.length === 1);
    expect(front).toEqual([{ instances: [] }]);

    stopInventory();
    stopInventory();
    await until(() => engine.streams.length === 2);
    engine.restart();
    await until(() => front.length === 2);
    expect(inventory).toHaveLength(1);
  } finally {
    stopFront();
  }
  await until(() => engine.streams.at(-1)?.destroyed === true);
  await orchestrator.close();
});
