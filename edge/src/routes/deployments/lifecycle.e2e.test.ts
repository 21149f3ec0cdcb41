import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApp } from '../../../../runner/src/front/index.ts';
import { testDocker } from '../../../../runner/test/docker-fixtures.ts';
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

/**
 * The whole lifecycle through the edge's API with a real runner, once on the Docker engine
 * and once as supervised processes: upload → dev → a second version blue/green under load → a broken
 * version that leaves the old one serving → promote with prod's configuration → rollback → remove.
 */
describe.each(['docker', 'process'] as const)('the app lifecycle on %s', (orchestrator) => {
  const tenant = `life-${orchestrator}`;
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let runner: Awaited<ReturnType<typeof startRealRunner>>['runner'];
  const saved = process.env.CAMELEER_ORCHESTRATOR;
  let devUrl = '';

  const api = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/${tenant}/${path}`, { token: t.tokens.developer, ...init });
  const deployment = async (id: string) => (await (await api(`deployments/${id}`)).json()) as Deployment;
  const settled = async (id: string) => {
    await until(async () => ['RUNNING', 'FAILED'].includes((await deployment(id)).state), 150_000, 'final');
    return deployment(id);
  };
  const upload = async (version: string, broken = false) => {
    const jar = new Uint8Array(readFileSync(await buildSampleJar({ version, broken })));
    const label = broken ? `${version}-broken` : version;
    const res = await uploadJar(
      edge,
      `/api/tenants/${tenant}/apps/shop/versions?label=${label}`,
      t.tokens.developer,
      jar,
    );
    expect([200, 201]).toContain(res.status);
    return label;
  };
  const deploy = async (version: string, environment = 'dev') => {
    const res = await api('apps/shop/deployments', { method: 'POST', json: { environment, version } });
    expect(res.status).toBe(202);
    return settled(((await res.json()) as Deployment).id);
  };
  const action = async (path: string, json: unknown) => {
    const res = await api(`apps/shop/${path}`, { method: 'POST', json });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string };
  };
  const commandDone = async (id: string) => {
    let state = '';
    await until(
      async () => {
        ({ state } = (await (await api(`commands/${id}`)).json()) as { state: string });
        return state === 'succeeded' || state === 'failed';
      },
      60_000,
      'command finished',
    );
    return state;
  };
  const text = async (url: string) => (await fetchApp(url, { signal: AbortSignal.timeout(5_000) })).text();

  beforeAll(async () => {
    process.env.CAMELEER_ORCHESTRATOR = orchestrator;
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    t = await edge.tenant(tenant);
    ({ runner } = await startRealRunner(server.url, t.tokens.admin, tenant, { deployments: true }));
    await runner.connected(10_000);
    const app = await api('apps', { method: 'POST', json: { name: 'shop', writeableVolumes: ['/data'] } });
    expect(app.status).toBe(201);
    for (const [query, value] of [
      ['', 'hello from every environment'],
      ['?environment=prod', 'hello from prod'],
    ] as const) {
      const res = await api(`config/GREETING${query}`, { method: 'PUT', json: { value } });
      expect(res.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await runner?.stop();
    await server?.close();
    await edge?.close();
    process.env.CAMELEER_ORCHESTRATOR = saved;
  });

  it('takes an upload to RUNNING in dev; the app answers at its URL with its configuration', async () => {
    const done = await deploy(await upload('1'));
    expect(done.state).toBe('RUNNING');
    expect(done.events.map((e) => e.state)).toEqual(['BUILDING', 'STARTING', 'RUNNING']);
    devUrl = done.url ?? '';
    const body = await text(devUrl);
    expect(body).toContain('version 1');
    expect(body).toContain('hello from every environment');
    const stored = await fetchApp(`${devUrl}/files/note`, { method: 'PUT', body: 'kept across versions' });
    expect(stored.status).toBe(201);
  }, 180_000);

  it('replaces v1 with v2 blue/green: no request fails during the switch, the URL and volume stay', async () => {
    const label = await upload('2');
    const outcomes: string[] = [];
    let load = true;
    const loop = (async () => {
      while (load) {
        const res = await fetchApp(devUrl, { signal: AbortSignal.timeout(5_000) }).catch((e: Error) => e);
        outcomes.push(res instanceof Error ? `error ${res.message}` : `${res.status} ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const done = await deploy(label).finally(() => {
      load = false;
    });
    await loop;
    expect(done.state).toBe('RUNNING');
    expect(done.url).toBe(devUrl);
    const failures = outcomes.filter((o) => !o.startsWith('200 '));
    expect(failures).toEqual([]);
    expect(outcomes.some((o) => o.includes('version 1'))).toBe(true);
    // The last request of the loop may have been answered by v1 before the switch: ask again now.
    expect(await text(devUrl)).toContain('version 2');
    expect(await text(`${devUrl}/files/note`)).toBe('kept across versions');
  }, 180_000);

  it('fails a broken version with its last log lines while v2 keeps serving', async () => {
    const done = await deploy(await upload('3', true));
    expect(done.state).toBe('FAILED');
    expect(done.reason).toMatch(/health check failed/);
    expect(done.reason).toMatch(/cannot start/);
    expect(await text(devUrl)).toContain('version 2');
  }, 180_000);

  it("promotes v2 to prod with prod's configuration, then rolls dev back to v1", async () => {
    const promoted = await settled((await action('promote', { from: 'dev', to: 'prod' })).id);
    expect(promoted.state).toBe('RUNNING');
    expect(promoted.url).not.toBe(devUrl);
    const prod = await text(promoted.url ?? '');
    expect(prod).toContain('version 2');
    expect(prod).toContain('hello from prod');

    const rolledBack = await settled((await action('rollback', { environment: 'dev' })).id);
    expect(rolledBack.state).toBe('RUNNING');
    expect(await text(devUrl)).toContain('version 1');
    expect(await text(`${devUrl}/files/note`)).toBe('kept across versions');
  }, 180_000);

  it('removes the app from both environments: nothing answers, its volumes and images are pruned', async () => {
    for (const environment of ['dev', 'prod']) {
      expect(await commandDone((await action('remove', { environment })).id)).toBe('succeeded');
    }
    expect((await fetchApp(devUrl)).status).toBeGreaterThanOrEqual(404);
    if (orchestrator === 'docker') {
      const docker = testDocker();
      const filters = { label: [`cameleer.tenant=${tenant}`] };
      expect(await docker.listContainers({ all: true, filters })).toEqual([]);
      expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
      expect(await docker.listImages({ filters })).toEqual([]);
    }
    const again = await deploy('1');
    expect(again.state).toBe('RUNNING');
    expect((await fetchApp(`${again.url}/files/note`)).status).toBe(404);
    expect(await commandDone((await action('remove', { environment: 'dev' })).id)).toBe('succeeded');
  }, 240_000);
});
