import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar } from '../../../../runner/test/java-fixtures.ts';
import { createTestEdge, databaseKinds, listenTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { uploadJar } from '../../../test/jars.ts';
import { startRealRunner, until } from '../../../test/runners.ts';

type Deployment = {
  id: string;
  state: string;
  reason: string;
  url: string | null;
  events: Array<{ state: string; reason: string }>;
};
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
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let started: Awaited<ReturnType<typeof startRealRunner>>;
  let runner: (typeof started)['runner'];
  const saved = process.env.CAMELEER_ORCHESTRATOR;
  const statePath = () => join(started.stateDir, 'apps', 'state.json');
  const processState = () => JSON.parse(readFileSync(statePath(), 'utf8')) as ProcessState;
  const pidOf = (app: string) => processState().apps[`fix/dev/${app}`]?.current?.pid;

  beforeAll(async () => {
    process.env.CAMELEER_ORCHESTRATOR = 'process';
    edge = await createTestEdge(kind);
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    t = await edge.tenant('fix');
    started = await startRealRunner(server.url, t.tokens.admin, 'fix', {
      deployments: true,
      name: 'keeper',
      inventoryIntervalMs: 1_000,
      inventorySettleMs: 100,
    });
    runner = started.runner;
    await runner.connected(10_000);
  }, 120_000);
  afterAll(async () => {
    for (const app of ['orders', 'billing', 'audit']) {
      await edge.request(`/api/tenants/fix/apps/${app}/remove`, {
        method: 'POST',
        token: t.tokens.developer,
        json: { environment: 'dev' },
      });
    }
    await until(async () => !Object.keys(processState().apps).length, 30_000, 'apps removed').catch(
      () => undefined,
    );
    await runner.stop();
    await server.close();
    await edge.close();
    process.env.CAMELEER_ORCHESTRATOR = saved;
  });

  const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/fix${path}`, { token: t.tokens.developer, ...init });
  const deployment = async (id: string) => (await (await api(`/deployments/${id}`)).json()) as Deployment;
  const deployed = async (app: string) => {
    expect((await api('/apps', { method: 'POST', json: { name: app } })).status).toBe(201);
    const jar = readFileSync(await buildSampleJar({ version: '1' }));
    expect(
      (
        await uploadJar(
          edge,
          `/api/tenants/fix/apps/${app}/versions`,
          t.tokens.developer,
          new Uint8Array(jar),
        )
      ).status,
    ).toBe(201);
    const res = await api(`/apps/${app}/deployments`, { method: 'POST', json: { environment: 'dev' } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await until(async () => (await deployment(id)).state === 'RUNNING', 90_000, `${app} RUNNING`);
    return id;
  };
  const restartRunner = async (behindTheBack: () => void) => {
    await runner.stop();
    behindTheBack();
    runner = started.make();
    await runner.start();
    await runner.connected(10_000);
  };
  const reported = async () => {
    const res = await api(`/runners/${started.runnerId}`);
    return ((await res.json()) as { inventory: Array<{ name: string; state: string }> }).inventory;
  };

  it('shows nothing wrong when a killed JVM is restarted by the runner, and reports it running', async () => {
    const id = await deployed('orders');
    const before = await deployment(id);
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
    const after = await deployment(id);
    expect(after.state).toBe('RUNNING');
    expect(after.events).toEqual(before.events);
  }, 180_000);

  it('marks a deployment FAILED when its JVM died while the runner was down, and RUNNING after a restart', async () => {
    const id = await deployed('billing');
    await restartRunner(() => {
      const pid = pidOf('billing');
      if (pid) process.kill(pid, 'SIGKILL');
    });
    await until(async () => (await deployment(id)).state === 'FAILED', 30_000, 'FAILED');
    expect((await deployment(id)).reason).toBe('reported failed by runner keeper');

    const restart = await api('/apps/billing/restart', { method: 'POST', json: { environment: 'dev' } });
    expect(restart.status).toBe(202);
    await until(async () => (await deployment(id)).state === 'RUNNING', 60_000, 'RUNNING again');
    const states = (await deployment(id)).events.map((e) => e.state);
    expect(states).toEqual(['BUILDING', 'STARTING', 'RUNNING', 'FAILED', 'RUNNING']);
  }, 180_000);

  it('redeploys an app whose instance vanished while the runner was down', async () => {
    const id = await deployed('audit');
    await restartRunner(() => {
      const pid = pidOf('audit');
      if (pid) process.kill(pid, 'SIGKILL');
      const state = processState();
      delete state.apps['fix/dev/audit'];
      writeFileSync(statePath(), JSON.stringify(state));
    });
    await until(async () => (await deployment(id)).state === 'FAILED', 30_000, 'FAILED');
    const gone = await deployment(id);
    const next = /redeployed as (dep_\w+)$/.exec(gone.reason)?.[1];
    expect(gone.reason).toMatch(/^instance missing on runner keeper; redeployed as dep_/);
    if (!next) throw new Error(gone.reason);
    await until(async () => (await deployment(next)).state === 'RUNNING', 90_000, 'the redeploy RUNNING');
    expect(processState().apps['fix/dev/audit']?.current?.deploymentId).toBe(next);
    const audit = await edge.request('/api/tenants/fix/audit-log?action=deployment.reconcile', {
      token: t.tokens.admin,
    });
    expect(JSON.stringify(await audit.json())).toContain('"decision":"redeploy"');
  }, 240_000);

  it('removes what still runs of an app that was deleted', async () => {
    await deployed('ledger');
    expect(pidOf('ledger')).toBeDefined();
    expect((await api('/apps/ledger', { method: 'DELETE' })).status).toBe(204);
    await until(() => processState().apps['fix/dev/ledger'] === undefined, 30_000, 'the instance removed');
    await until(
      async () => !(await reported()).some((i) => i.name === 'fix/dev/ledger'),
      30_000,
      'gone from the inventory',
    );
  }, 180_000);
});
