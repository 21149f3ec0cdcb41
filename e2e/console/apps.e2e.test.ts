import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar } from '../../runner/test/java-fixtures.ts';
import { launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

describe('console: apps, versions and deployments', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let jar: string;
  let session: Awaited<ReturnType<import('playwright-core').BrowserContext['cookies']>> = [];
  beforeAll(async () => {
    [stack, browser, jar] = await Promise.all([
      startConsoleStack(),
      launchChromium(),
      buildSampleJar({ version: '1' }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('creates an app, uploads its JAR, deploys it to dev and sees it RUNNING', async () => {
    const sha256 = createHash('sha256').update(readFileSync(jar)).digest('hex');
    const flow = await openFlow(browser, 'apps');
    const { page } = flow;
    await signInWithLink(page, stack.loginUrl);
    session = await page.context().cookies();
    await page.goto(`${stack.url}/t/default/apps`);
    await expect.poll(() => page.getByText('No apps yet').isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('apps-empty');

    await page.getByRole('button', { name: 'Create app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create app' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('orders');
    await dialog.getByRole('textbox', { name: 'Description' }).fill('Takes orders');
    await flow.shot('create-app');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/t\/default\/apps\/orders$/);
    await expect.poll(() => page.getByRole('heading', { name: 'orders', level: 1 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('No versions yet').isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('app-new');

    await page.locator('input[type=file]').setInputFiles(jar);
    await expect.poll(() => page.getByText(sha256).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole('cell', { name: /^v1/ }).isVisible()).toBe(true);
    await flow.shot('version-uploaded');

    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const deploy = page.getByRole('dialog', { name: 'Deploy v1' });
    // Mantine's Select is an input that opens a listbox.
    await deploy.locator('input[aria-haspopup="listbox"]').click();
    await page.getByRole('option', { name: 'dev', exact: true }).click();
    await flow.shot('deploy-dialog');
    await deploy.getByRole('button', { name: 'Deploy to dev' }).click();
    await page.waitForURL(/\/t\/default\/deployments\/[^/]+$/);
    const deploymentId = new URL(page.url()).pathname.split('/').pop() ?? '';
    // Set once in this document: still there at the end means no view reloaded the page.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const detailReads: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === `/api/tenants/default/deployments/${deploymentId}`)
        detailReads.push(r.url());
    });
    await flow.shot('deployment-page');

    // The state arrives over the deployment's event stream: the timeline grows and the build output streams.
    const state = page.getByTestId('deployment-state');
    await expect.poll(() => state.textContent(), { timeout: 90_000, interval: 250 }).toBe('RUNNING');
    const timeline = page.getByLabel('Deployment timeline');
    expect(
      await timeline
        .locator('[data-state]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['BUILDING', 'STARTING', 'RUNNING']);
    await expect
      .poll(() =>
        page
          .getByTestId('build-output')
          .getByText(/is healthy at/)
          .isVisible(),
      )
      .toBe(true);
    await expect
      .poll(() =>
        page
          .getByText(/^https?:\/\/orders\./)
          .first()
          .isVisible(),
      )
      .toBe(true);
    // Read once on open and once when it settled (for its address): never polled.
    expect(detailReads.length).toBeLessThanOrEqual(2);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('deployment-running');

    await page.goBack();
    await page.waitForURL(/\/t\/default\/apps\/orders$/);
    await expect
      .poll(() => page.getByRole('link', { name: `${deploymentId}: RUNNING` }).isVisible())
      .toBe(true);
    await expect
      .poll(() => page.getByRole('status', { name: 'Deployment updates: live' }).isVisible())
      .toBe(true);

    // A deployment started elsewhere (the CLI, a colleague) shows up and reaches RUNNING on this page by itself.
    const again = await stack.api('/api/tenants/default/apps/orders/deployments', {
      json: { environment: 'dev' },
    });
    expect(again.status).toBe(202);
    const second = ((await again.json()) as { id: string }).id;
    await expect
      .poll(() => page.getByRole('link', { name: `${second}: RUNNING` }).isVisible(), { timeout: 90_000 })
      .toBe(true);
    await expect
      .poll(() => page.getByRole('link', { name: `${deploymentId}: STOPPED` }).isVisible())
      .toBe(true);
    expect(await page.evaluate(() => 'sameDocument' in window)).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('app-updated-live');
    await flow.close();
  }, 240_000);

  it('uploads the sample app the edge builds, in one click, for a newcomer without a JAR', async () => {
    const flow = await openFlow(browser, 'apps-sample');
    const { page } = flow;
    await page.context().addCookies(session);
    expect((await stack.api('/api/tenants/default/apps', { json: { name: 'sample' } })).status).toBe(201);
    await page.goto(`${stack.url}/t/default/apps/sample`);
    // A fresh context loads every asset cold: on a loaded 2-core machine that alone can pass poll's 1 s.
    await expect.poll(() => page.getByText('No versions yet').isVisible(), { timeout: 10_000 }).toBe(true);
    const download = page.getByRole('link', { name: 'Download v1' });
    expect(await download.getAttribute('href')).toBe('/samples/cameleer-sample-1.jar');
    await page.getByRole('button', { name: 'Upload sample v1' }).click();
    // The edge builds it with the JDK on first use: allow for javac on a loaded machine.
    await expect
      .poll(() => page.getByRole('cell', { name: /^v1/ }).isVisible(), { timeout: 90_000 })
      .toBe(true);
    await expect
      .poll(() =>
        page
          .getByText(/^[0-9a-f]{64}$/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('sample-uploaded');
    const unknown = await fetch(`${stack.url}/samples/cameleer-sample-7.jar`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    await flow.close();
  }, 180_000);
});
