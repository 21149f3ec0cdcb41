import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

describe('console: signing in with the one-time link', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('sends a visitor to the sign-in page, which explains the link; the link signs in and lands on the overview', async () => {
    const flow = await openFlow(browser, 'sign-in-link');
    const { page } = flow;
    await page.goto(`${stack.url}/t/default/apps`);
    await page.waitForURL(/\/login\?rd=/);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Sign in to Cameleer' }).isVisible())
      .toBe(true);
    expect(await page.getByText('one-time sign-in link').isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('login');

    await signInWithLink(page, stack.loginUrl);
    // Back where the person was going before being asked to sign in.
    await page.waitForURL(/\/t\/default\/apps$/);
    await flow.shot('signed-in');

    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login\?signedOut=1/);
    expect((await page.context().cookies()).find((c) => c.name === 'cameleer_session')).toBeUndefined();
    await flow.close();
  });

  it('answers a deep link with the app, serves hashed files immutably and keeps the API 404 as problem+json', async () => {
    const deep = await fetch(`${stack.url}/t/default/deployments/dep_x`, {
      headers: { accept: 'text/html' },
    });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    const html = await deep.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.url}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const api = await fetch(`${stack.url}/api/nothing`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });
});
