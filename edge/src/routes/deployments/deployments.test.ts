import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApp } from '../../../../runner/test/runner-internals.ts';
import { type Deployment, type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';

/** Upload → deploy → RUNNING with a real runner and the process orchestrator (Docker has its own tests). */
describe('deployments end to end', () => {
  let stack: DeployStack;

  beforeAll(async () => {
    stack = await startDeployStack({
      tenant: 'shop',
      orchestrator: 'process',
      runner: { name: 'deployer' },
      app: { name: 'orders' },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.api('apps/orders', { method: 'DELETE' });
    await stack?.close();
  });

  it('takes an uploaded JAR to RUNNING, through BUILDING and STARTING, and the app answers', async () => {
    const { upload, deploy, settled } = stack;
    const v1 = await upload('1');
    const started = await deploy(v1.label);
    expect(started.state).toBe('BUILDING');
    const done = await settled(started.id);
    expect(done.state).toBe('RUNNING');
    expect(done.events.map((e) => e.state)).toEqual(['BUILDING', 'STARTING', 'RUNNING']);
    expect(done.url).toMatch(/^http:\/\/orders\.dev\.shop\.localhost:\d+$/);
    expect(await (await fetchApp(done.url ?? '')).text()).toContain('version 1');
  }, 120_000);

  it('fails a broken version with its last log lines, while the previous version keeps serving', async () => {
    const { api, t, upload, deploy, settled } = stack;
    const before = (await (await api('apps/orders/deployments', { token: t.tokens.viewer })).json()) as {
      items: Deployment[];
    };
    const running = before.items.find((d) => d.state === 'RUNNING');
    const broken = await upload('2', { broken: true });
    const done = await settled((await deploy(broken.label)).id);
    expect(done.state).toBe('FAILED');
    expect(done.reason).toMatch(/health check failed/);
    expect(done.reason).toMatch(/cannot start/);
    expect(await (await fetchApp(running?.url ?? '')).text()).toContain('version 1');
  }, 120_000);

  it('rolls back, promotes, reads logs, stops and removes', async () => {
    const { api, t, upload, deploy, settled, deployment, action, commandDone } = stack;
    const v3 = await upload('3');
    expect((await settled((await deploy(v3.label)).id)).state).toBe('RUNNING');

    const rolledBack = await settled((await action('rollback', { environment: 'dev' })).id);
    expect(rolledBack.state).toBe('RUNNING');
    expect(await (await fetchApp(rolledBack.url ?? '')).text()).toContain('version 1');

    const promoted = await settled((await action('promote', { from: 'dev', to: 'prod' })).id);
    expect(promoted.state).toBe('RUNNING');
    expect(await (await fetchApp(promoted.url ?? '')).text()).toContain('version 1');

    const logs = (await (
      await api('apps/orders/logs?environment=dev&tail=50', { token: t.tokens.viewer })
    ).json()) as { lines: string[] };
    expect(logs.lines.join('\n')).toMatch(/sample-app/);

    const command = async (name: string, environment: string) =>
      commandDone((await action(name, { environment })).id, 30_000);
    expect(await command('stop', 'prod')).toBe('succeeded');
    expect((await deployment(promoted.id)).state).toBe('STOPPED');
    expect((await fetchApp(promoted.url ?? '')).status).toBe(503);
    expect(await command('remove', 'dev')).toBe('succeeded');
    expect((await deployment(rolledBack.id)).events.at(-1)).toMatchObject({
      state: 'STOPPED',
      reason: 'removed',
    });
    const nothing = await api('apps/orders/rollback', { method: 'POST', json: { environment: 'staging' } });
    expect(nothing.status).toBe(409);

    // Back to a chosen version (not only the previous one), and only to one that ran there.
    const chosen = await settled((await action('rollback', { environment: 'dev', version: v3.label })).id);
    expect(chosen.state).toBe('RUNNING');
    expect(await (await fetchApp(chosen.url ?? '')).text()).toContain('version 3');
    const neverRan = await api('apps/orders/rollback', {
      method: 'POST',
      json: { environment: 'prod', version: v3.label },
    });
    expect(neverRan.status).toBe(409);
    expect(((await neverRan.json()) as { detail: string }).detail).toMatch(/never ran in prod/);
  }, 180_000);
});
