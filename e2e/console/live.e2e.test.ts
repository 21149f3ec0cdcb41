import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar } from '../../runner/test/java-fixtures.ts';
import { launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';
import { startCuttableProxy } from '../fixtures/cuttable-proxy.ts';

const settled = new Set(['RUNNING', 'FAILED', 'STOPPED']);

/** The timeline's steps as the page shows them, in order. */
const timelineStates = (page: Page) =>
  page
    .getByLabel('Deployment timeline')
    .locator('[data-state]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));

/** The build output lines as the page shows them, without their times. */
const buildLines = (page: Page) =>
  page
    .getByTestId('build-output')
    .locator('[data-line]')
    .evaluateAll((els) => els.map((e) => (e.lastChild?.textContent ?? '').trim()));

describe('console: live deployment views', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
  // The sign-in link works once: the first flow signs in, the next ones reuse its session.
  let session: Awaited<ReturnType<BrowserContext['cookies']>> = [];

  beforeAll(async () => {
    let jar: string;
    [stack, browser, jar] = await Promise.all([
      startConsoleStack(),
      launchChromium(),
      buildSampleJar({ version: '1' }),
    ]);
    expect((await stack.api('/api/tenants/default/apps', { json: { name: 'ledger' } })).status).toBe(201);
    const upload = await stack.api('/api/tenants/default/apps/ledger/versions?label=1', {
      body: new Uint8Array(readFileSync(jar)),
      headers: { 'content-type': 'application/java-archive' },
    });
    expect(upload.status).toBe(201);
    proxy = await startCuttableProxy(stack.url);
  }, 180_000);
  afterAll(async () => {
    await proxy?.close();
    await stack?.api('/api/tenants/default/apps/ledger/remove', { json: { environment: 'dev' } });
    await browser?.close();
    await stack?.close();
  });

  /** The deployment as the API has it, and the lines its runner reported (what the page must show). */
  const truth = async (id: string) => {
    const d = (await (await stack.api(`/api/tenants/default/deployments/${id}`)).json()) as {
      state: string;
      commandId: string;
      events: Array<{ state: string }>;
    };
    const command = (await (await stack.api(`/api/tenants/default/commands/${d.commandId}`)).json()) as {
      events: Array<{ message: string }>;
    };
    const lines = command.events
      .flatMap((e) => e.message.split('\n'))
      .filter((l) => l.trim() !== '' && !l.startsWith('stage:'))
      .map((l) => l.trim());
    return { ...d, lines };
  };

  it('keeps up after the tab lost its connection while building: every state once, in order, every line once', async () => {
    const flow = await openFlow(browser, 'live');
    const { page } = flow;
    await signInWithLink(page, stack.loginUrl);
    session = await page.context().cookies();
    const started = await stack.api('/api/tenants/default/apps/ledger/deployments', {
      json: { environment: 'dev' },
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    await page.goto(`${proxy.url}/t/default/deployments/${id}`);
    const live = page.getByRole('status', { name: 'Deployment updates: live' });
    await expect.poll(() => live.isVisible(), { interval: 50 }).toBe(true);
    await expect.poll(() => timelineStates(page), { interval: 50 }).toContain('BUILDING');

    // In the background: the connection is gone (and stays gone) while the runner carries on.
    proxy.cut();
    await page.context().setOffline(true);
    const atDisconnect = await truth(id);
    expect(settled.has(atDisconnect.state), 'still in progress when the tab went away').toBe(false);
    await expect
      .poll(() => page.getByRole('status', { name: /Deployment updates: reconnecting/ }).isVisible())
      .toBe(true);
    await flow.shot('reconnecting');
    await expect
      .poll(async () => (await truth(id)).state, { timeout: 90_000, interval: 500 })
      .toBe('RUNNING');

    proxy.restore();
    await page.context().setOffline(false);
    const state = page.getByTestId('deployment-state');
    await expect.poll(() => state.textContent(), { timeout: 30_000 }).toBe('RUNNING');
    await expect
      .poll(() => page.getByRole('status', { name: /Deployment updates: up to date/ }).isVisible())
      .toBe(true);
    const done = await truth(id);
    expect(done.events.map((e) => e.state)).toEqual(['BUILDING', 'STARTING', 'RUNNING']);
    expect(await timelineStates(page)).toEqual(['BUILDING', 'STARTING', 'RUNNING']);
    // Nothing missed while away, nothing shown twice after the resume.
    expect(done.lines.length).toBeGreaterThan(0);
    expect(await buildLines(page)).toEqual(done.lines);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('caught-up');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('caught-up-phone');
    await flow.close();
  }, 240_000);

  it('streams build output, and shows a failure with its reason and last log lines', async () => {
    const jar = await buildSampleJar({ version: '2', broken: true });
    const upload = await stack.api('/api/tenants/default/apps/ledger/versions?label=2-broken', {
      body: new Uint8Array(readFileSync(jar)),
      headers: { 'content-type': 'application/java-archive' },
    });
    expect(upload.status).toBe(201);
    const flow = await openFlow(browser, 'live-failed', { colorScheme: 'dark' });
    const { page } = flow;
    await page.context().addCookies(session);
    const started = await stack.api('/api/tenants/default/apps/ledger/deployments', {
      json: { environment: 'dev', version: '2-broken' },
    });
    const { id } = (await started.json()) as { id: string };
    await page.goto(`${stack.url}/t/default/deployments/${id}`);
    // A broken app fails within seconds: on a loaded machine the page may open only after that,
    // and then the lines arrive at once. Lines during a build are the first test's to check.
    await expect
      .poll(async () => (await buildLines(page)).length, { timeout: 60_000, interval: 50 })
      .toBeGreaterThan(0);
    await flow.shot('building');
    const alert = page.getByRole('alert').filter({ hasText: 'The deployment failed' });
    await expect.poll(() => alert.isVisible(), { timeout: 120_000 }).toBe(true);
    expect(await alert.textContent()).toMatch(/health check failed/);
    expect(await alert.getByLabel('Last log lines').textContent()).toMatch(/cannot start/);
    expect(await timelineStates(page)).toEqual(['BUILDING', 'STARTING', 'FAILED']);
    expect(await buildLines(page)).toEqual((await truth(id)).lines);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('failed-dark');
    await flow.close();
  }, 240_000);

  it('updates the overview live when a deployment moves, on a phone', async () => {
    const flow = await openFlow(browser, 'live-overview', { viewport: 'phone' });
    const { page } = flow;
    await page.context().addCookies(session);
    await page.goto(`${stack.url}/t/default`);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const dev = page.getByRole('region', { name: 'Environment dev' });
    await expect
      .poll(() => dev.getByText('failed', { exact: true }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    const started = await stack.api('/api/tenants/default/apps/ledger/deployments', {
      json: { environment: 'dev', version: '1' },
    });
    expect(started.status).toBe(202);
    await expect
      .poll(() => dev.getByText('running', { exact: true }).isVisible(), { timeout: 90_000 })
      .toBe(true);
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('overview-updated-live');
    await flow.close();
  }, 180_000);
});
