import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar } from '../../runner/test/java-fixtures.ts';
import { launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

type Deployment = { id: string; state: string; reason: string; versionId: string; environmentId: string };

/** The environment of the JVM a deployment started, found by the variable the platform gives it. */
function processEnv(deploymentId: string): Map<string, string> | undefined {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const vars = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!vars.includes(`CAMELEER_DEPLOYMENT=${deploymentId}`)) continue;
      return new Map(
        vars.filter(Boolean).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
      );
    } catch {
      // The process ended or is not ours to read.
    }
  }
  return undefined;
}

const secret = 'console-secret-never-shown-7d1c';
/** expect.poll waits 1 s by default; a screen that refetches on a busy machine needs longer. */
const patience = { timeout: 20_000, interval: 250 };

describe('console: configuration layers, drift and redeploy, promote and rollback to a chosen version', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  const versions: Record<string, string> = {};
  const envIds: Record<string, string> = {};

  const api = (path: string, init: { method?: string; json?: unknown; body?: BodyInit } = {}) =>
    stack.api(`/api/tenants/default/${path}`, init);
  const deploymentsIn = async (environment: string) =>
    ((await (await api('apps/shop/deployments')).json()) as { items: Deployment[] }).items.filter(
      (d) => d.environmentId === envIds[environment],
    );
  /** Waits until the newest deployment in the environment (another than `after`) is RUNNING, and returns it. */
  const runningIn = async (environment: string, after?: string, id?: string) => {
    const deadline = Date.now() + 150_000;
    for (;;) {
      const [newest] = await deploymentsIn(environment);
      if (newest?.state === 'FAILED') throw new Error(`${newest.id} failed: ${newest.reason}`);
      if (newest && newest.id !== after && (!id || newest.id === id) && newest.state === 'RUNNING')
        return newest;
      if (Date.now() > deadline) throw new Error(`nothing new RUNNING in ${environment}: ${newest?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  };
  const commandDone = async (id: string) => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { state } = (await (await api(`commands/${id}`)).json()) as { state: string };
      if (state === 'succeeded' || state === 'failed') return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const shot = async (flow: Awaited<ReturnType<typeof openFlow>>, name: string) => {
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot(name);
  };

  beforeAll(async () => {
    // One after the other: on a busy machine the JDK builds would slow the edge's start past its timeout.
    const v1 = await buildSampleJar({ version: '1' });
    const v2 = await buildSampleJar({ version: '2' });
    [stack, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
    const envs = (await (await api('environments')).json()) as { items: Array<{ id: string; name: string }> };
    for (const e of envs.items) envIds[e.name] = e.id;
    if (!envIds.staging) {
      const created = await api('environments', { json: { name: 'staging' } });
      expect(created.status).toBe(201);
      envIds.staging = ((await created.json()) as { id: string }).id;
    }
    expect((await api('apps', { json: { name: 'shop', writeableVolumes: ['/data'] } })).status).toBe(201);
    for (const [label, jar] of [
      ['v1', v1],
      ['v2', v2],
    ] as const) {
      const res = await stack.api(`/api/tenants/default/apps/shop/versions?label=${label}`, {
        body: new Uint8Array(readFileSync(jar)),
        headers: { 'content-type': 'application/java-archive' },
      });
      expect(res.status).toBe(201);
      versions[label] = ((await res.json()) as { id: string }).id;
    }
    for (const version of ['v1', 'v2']) {
      const res = await api('apps/shop/deployments', { json: { environment: 'dev', version } });
      expect(res.status).toBe(202);
      await runningIn('dev', undefined, ((await res.json()) as { id: string }).id);
    }
  }, 420_000);
  afterAll(async () => {
    // Process apps outlive the edge by design: remove them, or their JVMs would outlive the test.
    for (const environment of stack ? ['dev', 'staging'] : []) {
      const res = await api('apps/shop/remove', { json: { environment } }).catch(() => undefined);
      if (res?.status !== 202) continue;
      const { id } = (await res.json()) as { id: string };
      await commandDone(id);
    }
    await browser?.close();
    await stack?.close();
  }, 90_000);

  it('sets a variable in the app-in-dev layer, sees the drift, redeploys it away; sets a masked secret; promotes; rolls back to v1; edits the global and environment layers', async () => {
    const flow = await openFlow(browser, 'configure');
    const { page } = flow;
    await signInWithLink(page, stack.loginUrl);
    await page.goto(`${stack.url}/t/default/apps/shop`);
    const section = page.locator('section[aria-labelledby="configuration-heading"]');
    await expect
      .poll(() => section.getByText('No keys yet in the app layer').isVisible(), patience)
      .toBe(true);
    await expect
      .poll(() => section.getByText('cameleer-default-dev-shop-data').isVisible(), patience)
      .toBe(true);
    await shot(flow, 'configuration-app-layer');

    await section.getByText('App in dev', { exact: true }).click();
    await section.getByRole('button', { name: 'Add key (app in dev)' }).click();
    const add = page.getByRole('dialog', { name: 'Add key · app in dev' });
    await add.getByRole('textbox', { name: 'Key' }).fill('bad key');
    await add.getByRole('textbox', { name: 'Value' }).fill('x');
    await add.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => add.getByText(/must be an environment variable name/).isVisible(), patience)
      .toBe(true);
    await shot(flow, 'validation-in-place');
    await add.getByRole('textbox', { name: 'Key' }).fill('GREETING');
    await add.getByRole('textbox', { name: 'Value' }).fill('hello from the console');
    await add.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => add.isVisible(), patience).toBe(false);
    await expect.poll(() => section.getByText('hello from the console').isVisible(), patience).toBe(true);

    const banner = page.getByText('dev: Configuration changed since this deployment');
    await expect.poll(() => banner.isVisible(), patience).toBe(true);
    await shot(flow, 'drift-banner');

    const [before] = await deploymentsIn('dev');
    await page.getByRole('button', { name: 'Redeploy v2 to dev' }).click();
    const redeployed = await runningIn('dev', before?.id);
    expect(redeployed.versionId).toBe(versions.v2);
    await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(false);
    expect(processEnv(redeployed.id)?.get('GREETING')).toBe('hello from the console');
    await shot(flow, 'redeployed');

    await section.getByRole('button', { name: 'Add key (app in dev)' }).click();
    await add.getByRole('textbox', { name: 'Key' }).fill('API_TOKEN');
    await add.getByRole('switch', { name: /Secret/ }).click();
    await add.getByLabel('Secret value').fill(secret);
    await add.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => add.isVisible(), patience).toBe(false);
    const row = section.locator('tr[data-key="API_TOKEN"]');
    await expect.poll(() => row.getByText('••••••••').isVisible(), patience).toBe(true);
    expect(await page.content()).not.toContain(secret);
    await expect.poll(() => banner.isVisible(), patience).toBe(true);
    await shot(flow, 'secret-masked');
    await page.getByRole('heading', { name: 'Configuration', level: 2 }).scrollIntoViewIfNeeded();
    await flow.shot('console-configuration');

    // Promote dev → staging from the environments table.
    const devRow = page
      .locator('section[aria-labelledby="environments-heading"] tr')
      .filter({ has: page.getByRole('cell', { name: 'dev', exact: true }) });
    await devRow.locator('input[aria-label="Promote from dev to"]').click();
    await page.getByRole('option', { name: 'staging', exact: true }).click();
    await devRow.getByRole('button', { name: 'Promote' }).click();
    const promoted = await runningIn('staging');
    expect(promoted.versionId).toBe(versions.v2);
    // Promotion deploys with staging's configuration: the app-in-dev layer does not apply there.
    const staging = processEnv(promoted.id);
    expect(staging?.get('CAMELEER_ENVIRONMENT')).toBe('staging');
    expect(staging?.has('GREETING')).toBe(false);
    expect(staging?.has('API_TOKEN')).toBe(false);

    // Roll back dev to v1, chosen in the dialog among the versions that ran there.
    await devRow.getByRole('button', { name: 'Roll back' }).click();
    const rollback = page.getByRole('dialog', { name: 'Roll back shop in dev' });
    await rollback.getByRole('radio', { name: /^v1 · / }).check();
    await shot(flow, 'rollback-dialog');
    const [current] = await deploymentsIn('dev');
    await rollback.getByRole('button', { name: 'Roll back to v1' }).click();
    const rolledBack = await runningIn('dev', current?.id);
    expect(rolledBack.versionId).toBe(versions.v1);
    await expect
      .poll(
        async () =>
          (await devRow.getByText('RUNNING').isVisible()) &&
          (await devRow.getByText('v1', { exact: true }).isVisible()),
        { timeout: 30_000 },
      )
      .toBe(true);
    await shot(flow, 'rolled-back');

    // The tenant's layers, at phone width in the dark (one sign-in link per start: the same page).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${stack.url}/t/default/settings/configuration`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Configuration', level: 1 }).isVisible(), patience)
      .toBe(true);
    await page.getByRole('button', { name: 'Add key (global)' }).click();
    const addGlobal = page.getByRole('dialog', { name: 'Add key · global' });
    await addGlobal.getByRole('textbox', { name: 'Key' }).fill('LOG_LEVEL');
    await addGlobal.getByRole('textbox', { name: 'Value' }).fill('info');
    await addGlobal.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('tr[data-key="LOG_LEVEL"]').isVisible(), patience).toBe(true);
    await shot(flow, 'global-layer');
    await page.getByText('Environment staging', { exact: true }).click();
    await expect
      .poll(() => page.getByText('No keys yet in the environment staging layer').isVisible(), patience)
      .toBe(true);
    await shot(flow, 'environment-layer');

    await page.goto(`${stack.url}/t/default/apps/shop`);
    await expect
      .poll(() => page.getByText('dev: Configuration changed since this deployment').isVisible(), patience)
      .toBe(true);
    await shot(flow, 'app-phone-dark');
    await flow.close();
  }, 720_000);
});
