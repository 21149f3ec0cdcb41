import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApp } from '../../../../runner/src/front/index.ts';
import { runCli, tempConfigDir } from '../../../../runner/src/user-cli/cli-fixture.ts';
import { buildSampleJar } from '../../../../runner/test/java-fixtures.ts';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { uploadJar } from '../../../test/jars.ts';
import { startRealRunner, until } from '../../../test/runners.ts';

/** Following an app's log through the edge, from a real runner running the sample app as a process. */
describe('log follow', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let runner: Awaited<ReturnType<typeof startRealRunner>>['runner'];
  let makeRunner: Awaited<ReturnType<typeof startRealRunner>>['make'];
  let appUrl = '';
  const saved = process.env.CAMELEER_ORCHESTRATOR;

  beforeAll(async () => {
    process.env.CAMELEER_ORCHESTRATOR = 'process';
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    t = await edge.tenant('shop');
    ({ runner, make: makeRunner } = await startRealRunner(server.url, t.tokens.admin, 'shop', {
      deployments: true,
    }));
    await runner.connected(10_000);
    await edge.request('/api/tenants/shop/apps', {
      method: 'POST',
      token: t.tokens.developer,
      json: { name: 'orders' },
    });
    const jar = new Uint8Array(readFileSync(await buildSampleJar({ version: '1' })));
    await uploadJar(edge, '/api/tenants/shop/apps/orders/versions?label=1', t.tokens.developer, jar);
    const res = await edge.request('/api/tenants/shop/apps/orders/deployments', {
      method: 'POST',
      token: t.tokens.developer,
      json: { environment: 'dev' },
    });
    const { id } = (await res.json()) as { id: string };
    await until(
      async () => {
        const d = (await (
          await edge.request(`/api/tenants/shop/deployments/${id}`, { token: t.tokens.viewer })
        ).json()) as { state: string; url: string | null };
        appUrl = d.url ?? '';
        return d.state === 'RUNNING';
      },
      90_000,
      'RUNNING',
    );
  }, 120_000);
  afterAll(async () => {
    const removal = await edge.request('/api/tenants/shop/apps/orders/remove', {
      method: 'POST',
      token: t.tokens.developer,
      json: { environment: 'dev' },
    });
    const { id } = (await removal.json()) as { id: string };
    await until(
      async () =>
        ['succeeded', 'failed'].includes(
          (
            (await (
              await edge.request(`/api/tenants/shop/commands/${id}`, { token: t.tokens.viewer })
            ).json()) as {
              state: string;
            }
          ).state,
        ),
      30_000,
      'removed',
    ).catch(() => {});
    await runner.stop();
    await server.close();
    await edge.close();
    process.env.CAMELEER_ORCHESTRATOR = saved;
  });

  it('streams new lines as server-sent events to a viewer, then ends', async () => {
    const res = await fetch(
      `${server.url}/api/tenants/shop/apps/orders/logs/stream?environment=dev&tail=0&seconds=4`,
      { headers: { authorization: `Bearer ${t.tokens.viewer}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // A request made while following shows up as the app's access log line.
    const poke = setInterval(() => void fetchApp(`${appUrl}/?poke=follow`).catch(() => {}), 300);
    const body = await res.text().finally(() => clearInterval(poke));
    expect(body).toMatch(/event: line\ndata: .*GET \/\?poke=follow 200/);
    expect(body.trimEnd().endsWith('event: end\ndata: done')).toBe(true);
  }, 30_000);

  it('`cameleer logs -f --for N` prints the tail and new lines, then exits 0', async () => {
    const temp = await tempConfigDir();
    try {
      const env = { CAMELEER_URL: server.url, CAMELEER_TOKEN: t.tokens.viewer, CAMELEER_TENANT: 'shop' };
      const poke = setInterval(() => void fetchApp(`${appUrl}/?poke=cli`).catch(() => {}), 300);
      const run = await runCli(['logs', '--app', 'orders', '--env', 'dev', '-n', '5', '-f', '--for', '3'], {
        ...env,
        CAMELEER_CONFIG: temp.config,
      }).finally(() => clearInterval(poke));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/GET \/\?poke=cli 200/);
    } finally {
      await temp.remove();
    }
  }, 30_000);

  it('answers 404 for an app that is not there and 503 when the runner is offline', async () => {
    const missing = await edge.request('/api/tenants/shop/apps/nope/logs/stream?environment=dev', {
      token: t.tokens.viewer,
    });
    expect(missing.status).toBe(404);
    await runner.stop();
    const offline = await edge.request('/api/tenants/shop/apps/orders/logs/stream?environment=dev', {
      token: t.tokens.viewer,
    });
    expect(offline.status).toBe(503);
    expect(offline.headers.get('content-type')).toMatch(/problem\+json/);
    runner = makeRunner();
    await runner.start();
    await runner.connected(10_000);
  }, 30_000);
});
