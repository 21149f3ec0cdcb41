import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { until } from '../../test/runner-fixture.ts';
import { DockerOrchestrator } from '../orchestrators/docker/index.ts';
import { watchInventoryChanges } from './inventory-changes.ts';

/** An engine client that stops answering and answers again, as around a dockerd restart. */
function restartingEngine() {
  const engine = { up: true, pings: 0 };
  const docker = {
    ping: async () => {
      engine.pings += 1;
      if (!engine.up)
        throw Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' });
      return 'OK';
    },
    listContainers: async () => [],
  };
  return { engine, docker: docker as unknown as Docker };
}

describe('watchInventoryChanges', () => {
  it('reports a change when the Docker engine is back after a restart, and stops watching when told', async () => {
    const { engine, docker } = restartingEngine();
    const orchestrator = new DockerOrchestrator({ docker, domain: 'localhost', pingIntervalMs: 10 });
    let changes = 0;
    const stop = watchInventoryChanges(orchestrator, () => changes++);
    await until(() => engine.pings >= 2, 2_000);
    expect(changes).toBe(0);
    engine.up = false;
    const downAt = engine.pings;
    await until(() => engine.pings > downAt + 2, 2_000);
    expect(changes).toBe(0);
    engine.up = true;
    await until(() => changes === 1, 2_000);
    stop();
    const pings = engine.pings;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(engine.pings).toBe(pings);
  });
});
