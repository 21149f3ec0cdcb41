import type { InventoryItem } from '@cameleer/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedAt } from '../../test/deploy-results.ts';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../test/jars.ts';
import { withTenant } from '../db/client.ts';
import { auditLog, commands } from '../db/schema/index.ts';
import { completeCommand } from './commands.ts';
import { appActionResult, deploymentResult } from './deployments/index.ts';
import { reconcileRunner } from './reconcile.ts';

type Deployment = {
  id: string;
  state: string;
  reason: string;
  url: string | null;
  commandId: string;
  runnerId: string;
  events: Array<{ state: string; reason: string }>;
};

describe.each(databaseKinds)('reconciling runners on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());

  /** A tenant with a runner and an app `orders` that has a version. */
  async function setup(slug: string) {
    const t = await edge.tenant(slug);
    const runner = await registerTestRunner(edge, t, `${slug}-runner`);
    const token = t.tokens.developer;
    await edge.request(`/api/tenants/${slug}/apps`, { method: 'POST', token, json: { name: 'orders' } });
    const upload = await uploadJar(edge, `/api/tenants/${slug}/apps/orders/versions`, token, minimalJar());
    expect(upload.status).toBe(201);
    const scope = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(edge.db, t.id, fn);
    const ctx = (db: TestEdge['db']) => ({ db, tenantId: t.id, clock: edge.clock });

    const get = async (id: string) =>
      (await (await edge.request(`/api/tenants/${slug}/deployments/${id}`, { token })).json()) as Deployment;
    /** The runner's result for a command, as the tunnel applies it. */
    const served = (url: string) => servedAt({ tenant: slug, environment: 'dev', app: 'orders' }, url);
    const finish = (
      commandId: string,
      output: unknown = served('http://127.0.0.1:9000'),
      status: 'succeeded' | 'failed' = 'succeeded',
    ) =>
      scope(async (db) => {
        const error = status === 'failed' ? 'health check failed' : undefined;
        const done = await completeCommand(ctx(db), runner.runnerId, { commandId, status, output, error });
        if (!done) throw new Error(`command ${commandId} not open`);
        await deploymentResult(ctx(db), { commandId, status, output, error });
        await appActionResult(ctx(db), done, status);
      });
    const deploy = async () => {
      const res = await edge.request(`/api/tenants/${slug}/apps/orders/deployments`, {
        method: 'POST',
        token,
        json: { environment: 'dev' },
      });
      expect(res.status).toBe(202);
      return (await res.json()) as { id: string };
    };
    const running = async () => {
      const { id } = await deploy();
      await finish((await get(id)).commandId);
      return get(id);
    };
    const report = (inventory: InventoryItem[]) =>
      scope((db) =>
        reconcileRunner({
          ctx: ctx(db),
          services: edge.services,
          input: { runnerId: runner.runnerId, inventory },
        }),
      );
    const openCommands = () =>
      scope((db) =>
        db
          .select()
          .from(commands)
          .where(and(eq(commands.tenantId, t.id), eq(commands.state, 'queued'))),
      );
    const audit = () =>
      scope((db) =>
        db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.tenantId, t.id), eq(auditLog.action, 'deployment.reconcile'))),
      );
    const item = (
      deploymentId: string,
      state: string,
      url = 'http://127.0.0.1:9000',
      name = `${slug}/dev/orders`,
    ) => ({
      kind: 'app',
      name,
      state,
      labels: { deploymentId, version: 'v1', url },
    });
    return { t, runner, token, get, finish, deploy, running, report, openCommands, audit, item };
  }

  it('leaves a deployment alone while the runner reports it running, and follows its url', async () => {
    const s = await setup('calm');
    const dep = await s.running();
    expect(await s.report([s.item(dep.id, 'running')])).toEqual([]);
    const moved = await s.report([s.item(dep.id, 'running', 'http://127.0.0.1:9100')]);
    expect(moved).toEqual([expect.objectContaining({ decision: 'url', deploymentId: dep.id })]);
    const after = await s.get(dep.id);
    expect(after).toMatchObject({ state: 'RUNNING', url: 'http://127.0.0.1:9100' });
    expect(after.events.map((e) => e.state)).toEqual(['BUILDING', 'RUNNING']);
  });

  it('marks a crashed deployment FAILED and RUNNING again when it runs again', async () => {
    const s = await setup('crash');
    const dep = await s.running();
    await s.report([s.item(dep.id, 'starting')]);
    expect((await s.get(dep.id)).state).toBe('RUNNING');

    await s.report([s.item(dep.id, 'failed')]);
    await s.report([s.item(dep.id, 'failed')]);
    const failed = await s.get(dep.id);
    expect(failed.state).toBe('FAILED');
    expect(failed.reason).toBe('reported failed by runner crash-runner');

    await s.report([s.item(dep.id, 'running')]);
    const back = await s.get(dep.id);
    expect(back.state).toBe('RUNNING');
    expect(back.events.map((e) => [e.state, e.reason])).toEqual([
      ['BUILDING', expect.any(String)],
      ['RUNNING', 'healthy and serving'],
      ['FAILED', 'reported failed by runner crash-runner'],
      ['RUNNING', 'running again (reconciled)'],
    ]);
    expect((await s.audit()).map((a) => (a.detail as { decision: string }).decision)).toEqual([
      'failed',
      'running-again',
    ]);
    expect((await s.audit())[0]).toMatchObject({ actorType: 'system', actorId: 'reconciler' });
  });

  it('redeploys the same version when the instance vanished from the runner', async () => {
    const s = await setup('vanish');
    const dep = await s.running();
    const [action] = await s.report([]);
    expect(action).toMatchObject({ decision: 'redeploy', runnerId: s.runner.runnerId });
    const old = await s.get(dep.id);
    expect(old.state).toBe('FAILED');
    expect(old.reason).toBe(
      `instance missing on runner vanish-runner; redeployed as ${action?.deploymentId}`,
    );
    const next = await s.get(action?.deploymentId ?? '');
    expect(next.state).toBe('BUILDING');
    const [command] = await s.openCommands();
    expect(command).toMatchObject({ id: next.commandId, kind: 'deploy', createdBy: 'reconciler' });
    expect(command?.payload).toMatchObject({
      deploymentId: next.id,
      healthCheck: { httpPath: '/health' },
      ref: { tenant: 'vanish', environment: 'dev', app: 'orders' },
    });

    // While the redeploy is in flight, nothing more happens however often the runner reports.
    expect(await s.report([])).toEqual([]);
    await s.finish(next.commandId);
    expect(await s.report([s.item(next.id, 'running')])).toEqual([]);
    expect((await s.get(next.id)).state).toBe('RUNNING');
  });

  it('never acts on a deployment in flight or while a command for the app is open', async () => {
    const s = await setup('busy');
    const first = await s.running();
    await s.deploy();
    expect(await s.report([])).toEqual([]);
    expect((await s.get(first.id)).state).toBe('RUNNING');

    const s2 = await setup('busy2');
    const dep = await s2.running();
    const stop = await edge.request('/api/tenants/busy2/apps/orders/stop', {
      method: 'POST',
      token: s2.token,
      json: { environment: 'dev' },
    });
    expect(stop.status).toBe(202);
    expect(await s2.report([s2.item(dep.id, 'stopped')])).toEqual([]);
    expect((await s2.get(dep.id)).state).toBe('RUNNING');
  });

  it('removes what runs although the app was removed, and what no deployment asked for', async () => {
    const s = await setup('orphan');
    const dep = await s.running();
    const remove = await edge.request('/api/tenants/orphan/apps/orders/remove', {
      method: 'POST',
      token: s.token,
      json: { environment: 'dev' },
    });
    const { id: removeId } = (await remove.json()) as { id: string };
    await s.finish(removeId, {});
    expect((await s.get(dep.id)).state).toBe('STOPPED');

    const actions = await s.report([
      s.item(dep.id, 'running'),
      s.item('dep_unknown', 'running', undefined, 'orphan/dev/billing'),
      s.item('dep_unknown2', 'stopped', undefined, 'orphan/nowhere/orders'),
    ]);
    expect(actions.map((a) => `${a.decision} ${a.environment}/${a.app}`).sort()).toEqual([
      'remove dev/billing',
      'remove dev/orders',
      'remove nowhere/orders',
    ]);
    const queued = await s.openCommands();
    expect(queued.map((c) => c.kind)).toEqual(['remove', 'remove', 'remove']);
    expect(queued.map((c) => c.payload.ref)).toContainEqual({
      tenant: 'orphan',
      environment: 'dev',
      app: 'billing',
    });
    const timeline = await s.get(dep.id);
    expect(timeline.state).toBe('STOPPED');
    expect(timeline.events.at(-1)?.reason).toMatch(/still on runner orphan-runner although it was removed/);
    // The removes are open: reporting again does not pile up more of them.
    expect(await s.report([s.item(dep.id, 'running')])).toEqual([]);
  });

  it('stops an instance that runs although its app was stopped', async () => {
    const s = await setup('halt');
    const dep = await s.running();
    const stop = await edge.request('/api/tenants/halt/apps/orders/stop', {
      method: 'POST',
      token: s.token,
      json: { environment: 'dev' },
    });
    await s.finish(((await stop.json()) as { id: string }).id, {});
    expect(await s.report([s.item(dep.id, 'stopped')])).toEqual([]);
    const [action] = await s.report([s.item(dep.id, 'running')]);
    expect(action).toMatchObject({ decision: 'stop', deploymentId: dep.id });
    expect((await s.openCommands()).map((c) => c.kind)).toEqual(['stop']);
  });

  it.each(['remove', 'stop'] as const)(
    'honours a %s after a failed deploy: the version that served is not deployed again',
    async (action) => {
      const s = await setup(`undo-${action}`);
      const v1 = await s.running();
      const v3 = await s.deploy();
      await s.finish((await s.get(v3.id)).commandId, {}, 'failed');
      expect((await s.get(v3.id)).state).toBe('FAILED');
      expect((await s.get(v1.id)).state).toBe('RUNNING');

      const res = await edge.request(`/api/tenants/undo-${action}/apps/orders/${action}`, {
        method: 'POST',
        token: s.token,
        json: { environment: 'dev' },
      });
      await s.finish(((await res.json()) as { id: string }).id, {});
      const served = await s.get(v1.id);
      expect(served.state).toBe('STOPPED');
      expect(served.events.at(-1)?.reason).toBe(action === 'remove' ? 'removed' : 'stopped');

      // The runner reports nothing left (or the instance stopped): no redeploy, no action at all.
      expect(await s.report(action === 'remove' ? [] : [s.item(v1.id, 'stopped')])).toEqual([]);
      expect(await s.openCommands()).toEqual([]);
    },
  );

  it('restarts the version that serves after a failed deploy, not the failed attempt', async () => {
    const s = await setup('undo-restart');
    const v1 = await s.running();
    const v3 = await s.deploy();
    await s.finish((await s.get(v3.id)).commandId, {}, 'failed');
    const res = await edge.request('/api/tenants/undo-restart/apps/orders/restart', {
      method: 'POST',
      token: s.token,
      json: { environment: 'dev' },
    });
    const [queued] = await s.openCommands();
    expect(queued?.payload).toMatchObject({ deploymentId: v1.id });
    await s.finish(((await res.json()) as { id: string }).id, {});
    expect((await s.get(v1.id)).events.at(-1)).toMatchObject({ state: 'RUNNING', reason: 'restarted' });
    expect((await s.get(v3.id)).state).toBe('FAILED');
  });

  it("ignores instances named for another tenant and never touches that tenant's deployments", async () => {
    const a = await setup('alpha');
    const b = await setup('bravo');
    const theirs = await b.running();
    const actions = await a.report([a.item(theirs.id, 'failed', undefined, 'bravo/dev/orders')]);
    expect(actions).toEqual([]);
    expect((await b.get(theirs.id)).state).toBe('RUNNING');
    expect(await a.openCommands()).toEqual([]);
    expect(await b.openCommands()).toEqual([]);
  });
});
