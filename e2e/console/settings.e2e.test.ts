import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlowPage, launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

/**
 * axe-core's serious and critical violations inside the page's <main>: this flow checks the screens
 * it owns; the shell frame around them is checked by its own flow.
 */
async function screenViolations(flow: FlowPage, page: Page): Promise<string[]> {
  await flow.accessibilityViolations(); // loads axe-core into the page
  return page.evaluate(async () => {
    type Result = {
      violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
    };
    const axe = (window as unknown as { axe: { run(context: unknown): Promise<Result> } }).axe;
    const { violations } = await axe.run({ include: [['main']] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('console: overview and API tokens', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the overview, creates a token whose secret is shown once and works, and revokes it', async () => {
    const flow = await openFlow(browser, 'settings-tokens');
    const { page } = flow;
    await signInWithLink(page, stack.loginUrl);
    await page.goto(`${stack.url}/t/default`);
    await expect.poll(() => page.getByRole('heading', { name: 'Overview' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Environments' }).isVisible()).toBe(true);
    await expect
      .poll(() =>
        page
          .getByText(/online/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    expect(await screenViolations(flow, page)).toEqual([]);
    await flow.shot('overview');

    await page.goto(`${stack.url}/t/default/settings/tokens`);
    await expect.poll(() => page.getByRole('heading', { name: 'API tokens' }).isVisible()).toBe(true);
    const create = page.getByRole('button', { name: 'Create token' });
    // Every guarded action names the permission it needs, so a role that lacks it gets it disabled.
    expect(await create.getAttribute('data-permission')).toBe('api-tokens:write');
    expect(await screenViolations(flow, page)).toEqual([]);
    await page.getByLabel('Name').fill('e2e-ci');
    await create.click();
    const dialog = page.getByRole('dialog', { name: 'API token created' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByText('you will not see it again').isVisible()).toBe(true);
    expect(await dialog.getByRole('button', { name: 'Copy token' }).isVisible()).toBe(true);
    const secret = (await dialog.getByTestId('token-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/\S{16,}/);
    await flow.shot('token-created');

    const me = (token: string) =>
      fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me(secret)).status).toBe(200);

    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // Once closed, the secret is nowhere on the page.
    expect(await page.getByText(secret).count()).toBe(0);
    const row = page.getByRole('row').filter({ hasText: 'e2e-ci' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke' }).getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row.getByText('revoked').isVisible()).toBe(true);
    await flow.shot('token-revoked');
    expect((await me(secret)).status).toBe(401);
    await flow.close();
  });

  it('gives a viewer token read access only', async () => {
    const created = await stack.api('/api/tenants/default/api-tokens', {
      json: { name: 'e2e-viewer', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    const asViewer = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      });
    expect((await asViewer('/api/tenants/default/members')).status).toBe(200);
    const refused = await asViewer('/api/tenants/default/api-tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'nope', role: 'owner' }),
    });
    expect(refused.status).toBe(403);
  });
});
