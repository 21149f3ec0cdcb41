import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';
import { databaseKinds } from '../../../test/fixtures.ts';
import { until } from '../../../test/runners.ts';

type ProcessState = { apps: Record<string, { current?: { pid?: number; deploymentId: string } }> };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A real runner on the process orchestrator and a real edge: what happens to apps behind the
 * edge's back (a JVM killed, an instance gone while the runner was down, an app deleted) is
 * reported by the runner and reconciled by the edge.
 */
describe.each(databaseKinds)('reconciliation end to end on %s', (kind) => {
  let stack: DeployStack;
  const statePath = () => join(stack.stateDir, 'apps', 'state.json');
  const processState = () => JSON.parse(readFileSync(statePath(), 'utf8')) as ProcessState;
  const pidOf = (app: string) => processState().apps[`fix/dev/${app}`]?.current?.pid;

  beforeAll(async () => {
    stack = await startDeployStack({
      tenant: 'fix',
      orchestrator: 'process',
      database: kind,
      runner: { name: 'keeper', inventoryIntervalMs: 1_000, inventorySettleMs: 100 },
    });
  }, 120_000);
  afterAll(async () => {
    if (!stack) return;
    for (const app of ['orders', 'billing', 'audit']) {
      await stack.api(`apps/${app}/remove`, { method: 'POST', json: { environment: 'dev' } });
    }
    await until(async () => !Object.keys(processState().apps).length, 30_000, 'apps removed').catch(
      () => undefined,
    );
    await stack.close();
  });

  const deployed = async (app: string) => {
    await stack.createApp({ name: app });
    await stack.upload('1', { app });
    const { id } = await stack.deploy(undefined, { app });
    await until(async () => (await stack.deployment(id)).state === 'RUNNING', 90_000, `${app} RUNNING`);
    return id;
  };
  const reported = async () => {
    const res = await stack.api(`runners/${stack.runnerId}`);
    return ((await res.json()) as { inventory: Array<{ name: string; state: string }> }).inventory;
  };

  it('shows nothing wrong when a killed JVM is restarted by the runner, and reports it running', async () => {
    const id = await deployed('orders');
    const before = await stack.deployment(id);
    const pid = pidOf('orders');
    if (!pid) throw new Error('no pid');
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid), 10_000, 'the JVM dead');
    // The supervisor restarts it: the runner tells the edge at once, while it is starting.
    await until(
      async () => (await reported()).some((i) => i.name === 'fix/dev/orders' && i.state === 'starting'),
      10_000,
      'reported starting',
    );
    await until(
      async () =>
        (pidOf('orders') ?? pid) !== pid && processState().apps['fix/dev/orders']?.current !== undefined,
      30_000,
      'a new JVM',
    );
    await until(
      async () => (await reported()).some((i) => i.name === 'fix/dev/orders' && i.state === 'running'),
      30_000,
      'reported running again',
    );
    const after = await stack.deployment(id);
    expect(after.state).toBe('RUNNING');
    expect(after.events).toEqual(before.events);
  }, 180_000);

  it('marks a deployment FAILED when its JVM died while the runner was down, and RUNNING after a restart', async () => {
    const id = await deployed('billing');
    await stack.restartRunner(async () => {
      const pid = pidOf('billing');
      if (pid) process.kill(pid, 'SIGKILL');
      // Dead before the runner is back: one it finds alive is adopted, and restarted when it dies.
      if (pid) await until(() => !alive(pid), 10_000, 'the JVM dead');
    });
    await until(async () => (await stack.deployment(id)).state === 'FAILED', 30_000, 'FAILED');
    expect((await stack.deployment(id)).reason).toBe('reported failed by runner keeper');

    const restart = await stack.api('apps/billing/restart', { method: 'POST', json: { environment: 'dev' } });
    expect(restart.status).toBe(202);
    await until(async () => (await stack.deployment(id)).state === 'RUNNING', 60_000, 'RUNNING again');
    const states = (await stack.deployment(id)).events.map((e) => e.state);
    expect(states).toEqual(['BUILDING', 'STARTING', 'RUNNING', 'FAILED', 'RUNNING']);
  }, 180_000);

  it('redeploys an app whose instance vanished while the runner was down', async () => {
    const id = await deployed('audit');
    await stack.restartRunner(async () => {
      const pid = pidOf('audit');
      if (pid) process.kill(pid, 'SIGKILL');
      // Dead before the runner is back: one it finds alive is adopted, and restarted when it dies.
      if (pid) await until(() => !alive(pid), 10_000, 'the JVM dead');
      const state = processState();
      delete state.apps['fix/dev/audit'];
      writeFileSync(statePath(), JSON.stringify(state));
    });
    await until(async () => (await stack.deployment(id)).state === 'FAILED', 30_000, 'FAILED');
    const gone = await stack.deployment(id);
    const next = /redeployed as (dep_\w+)$/.exec(gone.reason)?.[1];
    expect(gone.reason).toMatch(/^instance missing on runner keeper; redeployed as dep_/);
    if (!next) throw new Error(gone.reason);
    await until(
      async () => (await stack.deployment(next)).state === 'RUNNING',
      90_000,
      'the redeploy RUNNING',
    );
    expect(processState().apps['fix/dev/audit']?.current?.deploymentId).toBe(next);
    const audit = await stack.api('audit-log?action=deployment.reconcile', { token: stack.t.tokens.admin });
    expect(JSON.stringify(await audit.json())).toContain('"decision":"redeploy"');
  }, 240_000);

  it('removes what still runs of an app that was deleted', async () => {
    await deployed('ledger');
    expect(pidOf('ledger')).toBeDefined();
    expect((await stack.api('apps/ledger', { method: 'DELETE' })).status).toBe(204);
    await until(() => processState().apps['fix/dev/ledger'] === undefined, 30_000, 'the instance removed');
    await until(
      async () => !(await reported()).some((i) => i.name === 'fix/dev/ledger'),
      30_000,
      'gone from the inventory',
    );
  }, 180_000);
});
