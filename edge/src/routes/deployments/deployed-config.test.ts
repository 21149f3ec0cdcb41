import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';

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
  let stack: DeployStack;
  const secret = 'e2e-secret-value-9f3a';

  beforeAll(async () => {
    stack = await startDeployStack({
      tenant: 'conf',
      orchestrator: 'process',
      app: { name: 'orders', memoryMb: 320, writeableVolumes: ['/data'] },
    });
    await stack.upload('1');
  }, 120_000);
  afterAll(async () => {
    if (!stack) return;
    // Apps outlive their runner by design: remove them, or their JVMs would outlive the test.
    for (const environment of ['dev', 'prod']) {
      const res = await stack.api('apps/orders/remove', { method: 'POST', json: { environment } });
      if (res.status !== 202) continue;
      const { id } = (await res.json()) as { id: string };
      await stack.commandDone(id, 30_000);
    }
    await stack.api('apps/orders', { method: 'DELETE' });
    await stack.close();
  });

  it('starts the app with its merged configuration and its secret, which the edge never stored in clear', async () => {
    const { api, deploy, settled, action } = stack;
    for (const [key, json, layer] of [
      ['GREETING', { value: 'hello' }, ''],
      ['GREETING', { value: 'hello dev' }, '?environment=dev'],
      ['GREETING', { value: 'hello prod' }, '?environment=prod'],
      ['DB_PASSWORD', { value: secret, secret: true }, '?app=orders'],
    ] as const) {
      expect((await api(`config/${key}${layer}`, { method: 'PUT', json })).status).toBe(201);
    }
    const dev = await settled((await deploy()).id);
    expect(dev.state, dev.reason).toBe('RUNNING');

    const jvm = processOf(dev.id);
    expect(jvm, 'the JVM of the deployment').toBeDefined();
    expect(jvm?.env.get('GREETING')).toBe('hello dev');
    expect(jvm?.env.get('DB_PASSWORD')).toBe(secret);
    expect(jvm?.env.get('CAMELEER_APP')).toBe('orders');
    expect(jvm?.env.has('CAMELEER_VOLUME_DATA')).toBe(true);
    expect(jvm?.cmdline).toContain('-XX:MaxRAM=320m');

    const command = await (await api(`commands/${dev.commandId}`)).text();
    expect(command).toContain('hello dev');
    expect(command).not.toContain(secret);

    const prod = await settled((await action('promote', { from: 'dev', to: 'prod' })).id);
    expect(prod.state, prod.reason).toBe('RUNNING');
    const prodJvm = processOf(prod.id);
    expect(prodJvm?.env.get('GREETING')).toBe('hello prod');
    expect(prodJvm?.env.get('DB_PASSWORD')).toBe(secret);
    expect(prodJvm?.env.get('CAMELEER_ENVIRONMENT')).toBe('prod');
  }, 240_000);
});
