import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApp } from '../../../../runner/src/front/index.ts';
import { buildSampleJar } from '../../../../runner/test/java-fixtures.ts';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { uploadJar } from '../../../test/jars.ts';
import { startRealRunner, until } from '../../../test/runners.ts';

type Deployment = {
  id: string;
  state: string;
  reason: string;
  url: string | null;
  events: Array<{ state: string; reason: string }>;
};

/** Upload → deploy → RUNNING with a real runner and the process orchestrator (Docker has its own tests). */
describe('deployments end to end', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let runner: Awaited<ReturnType<typeof startRealRunner>>['runner'];
  const saved = process.env.CAMELEER_ORCHESTRATOR;

  beforeAll(async () => {
    process.env.CAMELEER_ORCHESTRATOR = 'process';
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    t = await edge.tenant('shop');
    ({ runner } = await startRealRunner(server.url, t.tokens.admin, 'shop', {
      deployments: true,
      name: 'deployer',
    }));
    await runner.connected(10_000);
    expect(
      (
        await edge.request('/api/tenants/shop/apps', {
          method: 'POST',
          token: t.tokens.developer,
          json: { name: 'orders' },
        })
      ).status,
    ).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await edge.request('/api/tenants/shop/apps/orders', { method: 'DELETE', token: t.tokens.developer });
    await runner.stop();
    await server.close();
    await edge.close();
    process.env.CAMELEER_ORCHESTRATOR = saved;
  });

  const upload = async (version: string, broken = false) => {
    const jar = readFileSync(await buildSampleJar({ version, broken }));
    const res = await uploadJar(
      edge,
      `/api/tenants/shop/apps/orders/versions?label=${version}${broken ? '-broken' : ''}`,
      t.tokens.developer,
      new Uint8Array(jar),
    );
    expect([200, 201]).toContain(res.status);
    return (await res.json()) as { id: string; label: string };
  };
  const deploy = async (version: string) => {
    const res = await edge.request('/api/tenants/shop/apps/orders/deployments', {
      method: 'POST',
      token: t.tokens.developer,
      json: { environment: 'dev', version },
    });
    expect(res.status).toBe(202);
    return (await res.json()) as Deployment;
  };
  const deployment = async (id: string) =>
    (await (
      await edge.request(`/api/tenants/shop/deployments/${id}`, { token: t.tokens.viewer })
    ).json()) as Deployment;
  const settled = async (id: string) => {
    await until(
      async () => ['RUNNING', 'FAILED'].includes((await deployment(id)).state),
      90_000,
      'a final state',
    );
    return deployment(id);
  };

  it('takes an uploaded JAR to RUNNING, through BUILDING and STARTING, and the app answers', async () => {
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
    const before = (await (
      await edge.request('/api/tenants/shop/apps/orders/deployments', { token: t.tokens.viewer })
    ).json()) as {
      items: Deployment[];
    };
    const running = before.items.find((d) => d.state === 'RUNNING');
    const broken = await upload('2', true);
    const done = await settled((await deploy(broken.label)).id);
    expect(done.state).toBe('FAILED');
    expect(done.reason).toMatch(/health check failed/);
    expect(done.reason).toMatch(/cannot start/);
    expect(await (await fetchApp(running?.url ?? '')).text()).toContain('version 1');
  }, 120_000);

  it('rolls back, promotes, reads logs, stops and removes', async () => {
    const v3 = await upload('3');
    expect((await settled((await deploy(v3.label)).id)).state).toBe('RUNNING');
    const post = (path: string, json: unknown) =>
      edge.request(`/api/tenants/shop/apps/orders/${path}`, {
        method: 'POST',
        token: t.tokens.developer,
        json,
      });

    const rolledBack = await settled(
      ((await (await post('rollback', { environment: 'dev' })).json()) as Deployment).id,
    );
    expect(rolledBack.state).toBe('RUNNING');
    expect(await (await fetchApp(rolledBack.url ?? '')).text()).toContain('version 1');

    const promoted = await settled(
      ((await (await post('promote', { from: 'dev', to: 'prod' })).json()) as Deployment).id,
    );
    expect(promoted.state).toBe('RUNNING');
    expect(await (await fetchApp(promoted.url ?? '')).text()).toContain('version 1');

    const logs = (await (
      await edge.request('/api/tenants/shop/apps/orders/logs?environment=dev&tail=50', {
        token: t.tokens.viewer,
      })
    ).json()) as { lines: string[] };
    expect(logs.lines.join('\n')).toMatch(/sample-app/);

    const command = async (action: string, environment: string) => {
      const { id } = (await (await post(action, { environment })).json()) as { id: string };
      await until(
        async () =>
          ['succeeded', 'failed'].includes(
            (
              (await (
                await edge.request(`/api/tenants/shop/commands/${id}`, { token: t.tokens.viewer })
              ).json()) as { state: string }
            ).state,
          ),
        30_000,
        `${action} finished`,
      );
      return (await (
        await edge.request(`/api/tenants/shop/commands/${id}`, { token: t.tokens.viewer })
      ).json()) as { state: string };
    };
    expect((await command('stop', 'prod')).state).toBe('succeeded');
    expect((await deployment(promoted.id)).state).toBe('STOPPED');
    expect((await fetchApp(promoted.url ?? '')).status).toBe(503);
    expect((await command('remove', 'dev')).state).toBe('succeeded');
    expect((await deployment(rolledBack.id)).events.at(-1)).toMatchObject({
      state: 'STOPPED',
      reason: 'removed',
    });
    const nothing = await post('rollback', { environment: 'staging' });
    expect(nothing.status).toBe(409);
  }, 180_000);
});
