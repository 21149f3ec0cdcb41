import type { InventoryItem } from '@cameleer/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { registeredRunner, until } from '../../test/runner-fixture.ts';

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

const app = (state: string): InventoryItem => ({
  kind: 'app',
  name: 'acme/dev/orders',
  state,
  labels: { deploymentId: 'dep_1', version: 'v1' },
});

describe('the runner reports its inventory', () => {
  it('after a command that changes what runs, after the result, and not after others', async () => {
    let running: InventoryItem[] = [];
    const { edge, make } = await registeredRunner({
      inventory: async () => running,
      inventorySettleMs: 10,
      inventoryIntervalMs: 0,
      handlers: {
        deploy: async () => {
          running = [app('running')];
          return { state: 'RUNNING' };
        },
      },
    });
    const runner = make();
    cleanup.push(() => edge.stop());
    cleanup.push(() => runner.stop());
    await runner.start();
    await runner.connected();

    const echo = await edge.command('echo', { hello: 'world' });
    await until(() => edge.resultFor(echo.commandId).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(edge.framesOf('inventory')).toEqual([]);

    const deploy = await edge.command('deploy', {});
    await until(() => edge.framesOf('inventory').length === 1);
    expect(edge.framesOf('inventory')[0]?.inventory).toEqual([app('running')]);
    const types = edge.received.map((f) => f.type);
    expect(types.lastIndexOf('result')).toBeLessThan(types.lastIndexOf('inventory'));
    expect(edge.resultFor(deploy.commandId)[0]).toMatchObject({ status: 'succeeded' });
  });

  it('periodically, and says so in hello when the inventory cannot be taken', async () => {
    let engineUp = false;
    const { edge, make } = await registeredRunner({
      inventory: async () => {
        if (!engineUp) throw new Error('the Docker engine does not answer');
        return [app('running')];
      },
      inventorySettleMs: 1,
      inventoryIntervalMs: 50,
    });
    const runner = make();
    cleanup.push(() => edge.stop());
    cleanup.push(() => runner.stop());
    await runner.start();
    await runner.connected();
    expect(edge.framesOf('hello')[0]).toMatchObject({
      inventory: [],
      inventoryError: 'the Docker engine does not answer',
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(edge.framesOf('inventory')).toEqual([]);
    engineUp = true;
    await until(() => edge.framesOf('inventory').length >= 2);
    expect(edge.framesOf('inventory')[0]?.inventory).toEqual([app('running')]);
  });
});
