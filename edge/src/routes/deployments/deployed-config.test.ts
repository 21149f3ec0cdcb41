import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar } from '../../../../runner/test/java-fixtures.ts';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../../test/fixtures.ts';
import { uploadJar } from '../../../test/jars.ts';
import { startRealRunner, until } from '../../../test/runners.ts';

type Deployment = { id: string; state: string; reason: string; url: string | null; commandId: string };

/** The running JVM of a deployment, found by the variable the platform gives it, with its environment and command line. */
function processOf(deploymentId: string): { env: Map<string, string>; cmdline: string[] } | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const vars = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!vars.includes(`CAMELEER_DEPLOYMENT=${deploymentId}`)) continue;
      const env = new Map(
        vars.filter(Boolean).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
      );
      return { env, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
    } catch {
      // The process ended or is not ours to read.
    }
  }
  return undefined;
}

/** Configuration and secrets reach the app's process through a real runner (process orchestrator). */
describe('configuration in deployed apps', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let runner: Awaited<ReturnType<typeof startRealRunner>>['runner'];
  const saved = process.env.CAMELEER_ORCHESTRATOR;
  const secret = 'e2e-secret-value-9f3a';

  const req = (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/conf/${path}`, { token: t.tokens.developer, ...init });
  const settled = async (id: string) => {
    let last: Deployment | undefined;
    await until(
      async () => {
        last = (await (await req(`deployments/${id}`)).json()) as Deployment;
        return ['RUNNING', 'FAILED'].includes(last.state);
      },
      90_000,
      'a final state',
    );
    return last as Deployment;
  };

  beforeAll(async () => {
    process.env.CAMELEER_ORCHESTRATOR = 'process';
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    t = await edge.tenant('conf');
    ({ runner } = await startRealRunner(server.url, t.tokens.admin, 'conf', { deployments: true }));
    await runner.connected(10_000);
    const created = await req('apps', {
      method: 'POST',
      json: { name: 'orders', memoryMb: 320, writeableVolumes: ['/data'] },
    });
    expect(created.status).toBe(201);
    const jar = readFileSync(await buildSampleJar({ version: '1' }));
    expect(
      (
        await uploadJar(
          edge,
          '/api/tenants/conf/apps/orders/versions?label=1',
          t.tokens.developer,
          new Uint8Array(jar),
        )
      ).status,
    ).toBe(201);
  }, 120_000);
  afterAll(async () => {
    // Apps outlive their runner by design: remove them, or their JVMs would outlive the test.
    for (const environment of ['dev', 'prod']) {
      const res = await req('apps/orders/remove', { method: 'POST', json: { environment } });
      if (res.status !== 202) continue;
      const { id } = (await res.json()) as { id: string };
      await until(
        async () =>
          ['succeeded', 'failed'].includes(
            ((await (await req(`commands/${id}`)).json()) as { state: string }).state,
          ),
        30_000,
        `remove in ${environment}`,
      );
    }
    await req('apps/orders', { method: 'DELETE' });
    await runner?.stop();
    await server?.close();
    await edge?.close();
    process.env.CAMELEER_ORCHESTRATOR = saved;
  });

  it('starts the app with its merged configuration and its secret, which the edge never stored in clear', async () => {
    for (const [key, json, layer] of [
      ['GREETING', { value: 'hello' }, ''],
      ['GREETING', { value: 'hello dev' }, '?environment=dev'],
      ['GREETING', { value: 'hello prod' }, '?environment=prod'],
      ['DB_PASSWORD', { value: secret, secret: true }, '?app=orders'],
    ] as const) {
      expect((await req(`config/${key}${layer}`, { method: 'PUT', json })).status).toBe(201);
    }
    const started = (await (
      await req('apps/orders/deployments', { method: 'POST', json: { environment: 'dev' } })
    ).json()) as Deployment;
    const dev = await settled(started.id);
    expect(dev.state, dev.reason).toBe('RUNNING');

    const jvm = processOf(dev.id);
    expect(jvm, 'the JVM of the deployment').toBeDefined();
    expect(jvm?.env.get('GREETING')).toBe('hello dev');
    expect(jvm?.env.get('DB_PASSWORD')).toBe(secret);
    expect(jvm?.env.get('CAMELEER_APP')).toBe('orders');
    expect(jvm?.env.has('CAMELEER_VOLUME_DATA')).toBe(true);
    expect(jvm?.cmdline).toContain('-XX:MaxRAM=320m');

    const command = await (await req(`commands/${dev.commandId}`)).text();
    expect(command).toContain('hello dev');
    expect(command).not.toContain(secret);

    const promoted = (await (
      await req('apps/orders/promote', { method: 'POST', json: { from: 'dev', to: 'prod' } })
    ).json()) as Deployment;
    const prod = await settled(promoted.id);
    expect(prod.state, prod.reason).toBe('RUNNING');
    const prodJvm = processOf(prod.id);
    expect(prodJvm?.env.get('GREETING')).toBe('hello prod');
    expect(prodJvm?.env.get('DB_PASSWORD')).toBe(secret);
    expect(prodJvm?.env.get('CAMELEER_ENVIRONMENT')).toBe('prod');
  }, 240_000);
});
