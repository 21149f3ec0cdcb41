import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartDockerEngine, testDocker } from '../../../../runner/test/docker-fixtures.ts';
import { fetchApp } from '../../../../runner/test/runner-internals.ts';
import { type Deployment, type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';
import { until } from '../../../test/runners.ts';

/**
 * The Docker engine restarts under a deployed app: the container comes back by itself, the runner
 * finds it again by label and reports it, and the edge, reconciling, keeps the one deployment it
 * has: no second instance, no redeploy, the same URL. Runs in the `docker-engine` project, alone.
 */
describe('a Docker engine restart under a deployed app', () => {
  const tenant = 'engine-restart';
  let stack: DeployStack;

  beforeAll(async () => {
    stack = await startDeployStack({
      tenant,
      orchestrator: 'docker',
      app: { name: 'orders' },
      runner: { inventoryIntervalMs: 2_000 },
      settleMs: 120_000,
    });
  }, 120_000);

  afterAll(async () => {
    const removal = await stack?.action('remove', { environment: 'dev' }).catch(() => undefined);
    if (removal) await stack.commandDone(removal.id).catch(() => {});
    await stack?.close();
  });

  it('keeps the deployment RUNNING at the same URL, with one container and no redeploy', async () => {
    await stack.upload('1');
    const { id } = await stack.deploy();
    const running = await stack.settled(id);
    expect(running.state).toBe('RUNNING');
    const url = running.url ?? '';
    expect(await (await fetchApp(url)).text()).toContain('version 1');

    const docker = testDocker();
    const filters = { label: [`cameleer.tenant=${tenant}`] };
    const [before] = await docker.listContainers({ filters });
    const startedBefore = (await docker.getContainer(before?.Id ?? '').inspect()).State.StartedAt;

    await restartDockerEngine();

    await until(
      async () =>
        (
          await fetchApp(url).then(
            (r) => r.text(),
            () => '',
          )
        ).includes('version 1'),
      90_000,
      'the app answering again at its URL',
    );
    // Time for the runner to report the engine's return and for the edge to reconcile it.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const after = await stack.deployment(id);
    expect(after.state).toBe('RUNNING');
    expect(after.url).toBe(url);
    expect(after.events.some((e) => /redeployed/.test(e.reason))).toBe(false);
    const list = (await (await stack.api('apps/orders/deployments')).json()) as { items: Deployment[] };
    expect(list.items.map((d) => d.id)).toEqual([id]);
    const containers = await docker.listContainers({ filters });
    expect(containers).toHaveLength(1);
    // The same container, started again by the engine: the restart really happened.
    expect(containers[0]?.Id).toBe(before?.Id);
    expect((await docker.getContainer(before?.Id ?? '').inspect()).State.StartedAt).not.toBe(startedBefore);
  }, 240_000);
});
