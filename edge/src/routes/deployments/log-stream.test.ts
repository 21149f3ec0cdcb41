import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../../../../runner/test/cli-fixture.ts';
import { fetchApp } from '../../../../runner/test/runner-internals.ts';
import { type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';
import { until } from '../../../test/runners.ts';

/** Following an app's log through the edge, from a real runner running the sample app as a process. */
describe('log follow', () => {
  let stack: DeployStack;
  let appUrl = '';

  beforeAll(async () => {
    stack = await startDeployStack({ tenant: 'shop', orchestrator: 'process', app: { name: 'orders' } });
    await stack.upload('1');
    const { id } = await stack.deploy();
    await until(
      async () => {
        const d = await stack.deployment(id);
        appUrl = d.url ?? '';
        return d.state === 'RUNNING';
      },
      90_000,
      'RUNNING',
    );
  }, 120_000);
  afterAll(async () => {
    if (!stack) return;
    const removal = await stack.api('apps/orders/remove', { method: 'POST', json: { environment: 'dev' } });
    const { id } = (await removal.json()) as { id: string };
    await stack.commandDone(id, 30_000).catch(() => {});
    await stack.close();
  });

  it('streams new lines as server-sent events to a viewer, then ends', async () => {
    const res = await fetch(
      `${stack.server.url}/api/tenants/shop/apps/orders/logs/stream?environment=dev&tail=0&seconds=4`,
      { headers: { authorization: `Bearer ${stack.t.tokens.viewer}` } },
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
      const env = {
        CAMELEER_URL: stack.server.url,
        CAMELEER_TOKEN: stack.t.tokens.viewer,
        CAMELEER_TENANT: 'shop',
      };
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
    const { api, t } = stack;
    const missing = await api('apps/nope/logs/stream?environment=dev', { token: t.tokens.viewer });
    expect(missing.status).toBe(404);
    await stack.restartRunner(async () => {
      const offline = await api('apps/orders/logs/stream?environment=dev', { token: t.tokens.viewer });
      expect(offline.status).toBe(503);
      expect(offline.headers.get('content-type')).toMatch(/problem\+json/);
    });
  }, 30_000);
});
