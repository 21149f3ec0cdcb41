import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDocker } from '../../../../runner/test/docker-fixtures.ts';
import { fetchApp } from '../../../../runner/test/runner-internals.ts';
import { type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';

/**
 * The whole lifecycle through the edge's API with a real runner, once on the Docker engine
 * and once as supervised processes: upload → dev → a second version blue/green under load → a broken
 * version that leaves the old one serving → promote with prod's configuration → rollback → remove.
 */
describe.each(['docker', 'process'] as const)('the app lifecycle on %s', (orchestrator) => {
  const tenant = `life-${orchestrator}`;
  let stack: DeployStack;
  let devUrl = '';

  const upload = async (version: string, broken = false) => (await stack.upload(version, { broken })).label;
  /** Deploys and waits for RUNNING or FAILED. */
  const deploy = async (version: string, environment = 'dev') =>
    stack.settled((await stack.deploy(version, { environment })).id);
  const text = async (url: string) => (await fetchApp(url, { signal: AbortSignal.timeout(5_000) })).text();

  beforeAll(async () => {
    stack = await startDeployStack({
      tenant,
      orchestrator,
      app: { name: 'shop', writeableVolumes: ['/data'] },
      settleMs: 150_000,
    });
    for (const [query, value] of [
      ['', 'hello from every environment'],
      ['?environment=prod', 'hello from prod'],
    ] as const) {
      const res = await stack.api(`config/GREETING${query}`, { method: 'PUT', json: { value } });
      expect(res.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
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
    const promoted = await stack.settled((await stack.action('promote', { from: 'dev', to: 'prod' })).id);
    expect(promoted.state).toBe('RUNNING');
    expect(promoted.url).not.toBe(devUrl);
    const prod = await text(promoted.url ?? '');
    expect(prod).toContain('version 2');
    expect(prod).toContain('hello from prod');

    const rolledBack = await stack.settled((await stack.action('rollback', { environment: 'dev' })).id);
    expect(rolledBack.state).toBe('RUNNING');
    expect(await text(devUrl)).toContain('version 1');
    expect(await text(`${devUrl}/files/note`)).toBe('kept across versions');
  }, 180_000);

  it('removes the app from both environments: nothing answers, its volumes and images are pruned', async () => {
    for (const environment of ['dev', 'prod']) {
      expect(await stack.commandDone((await stack.action('remove', { environment })).id)).toBe('succeeded');
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
    expect(await stack.commandDone((await stack.action('remove', { environment: 'dev' })).id)).toBe(
      'succeeded',
    );
  }, 240_000);
});
