import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../edge/test/edge-process.ts';
import { startOidcProvider, type TestOidcProvider } from '../../edge/test/oidc-provider.ts';
import { buildSampleJar } from '../../runner/test/java-fixtures.ts';
import { type FlowPage, launchChromium, openFlow } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

/** What a viewer may press: reading, navigating, looking, leaving. Anything else enabled is a write left open. */
const readOnlyActions = [
  /^Account$/,
  /^Switch to (light|dark) mode$/,
  /^Toggle navigation$/,
  /^Sign out$/,
  /^(Follow|Pause|Resume|Refresh|Search|Filter|Clear filters?|Show|Hide|Copy.*|Download .*|Load more|Newer|Older|Next|Previous)$/i,
];

describe('console: signing in through an OIDC provider', () => {
  let provider: TestOidcProvider;
  let stack: ConsoleStack;
  let browser: Browser;
  let deploymentId: string;
  beforeAll(async () => {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    provider = await startOidcProvider({
      redirectUri: `${url}/auth/oidc/callback`,
      postLogoutRedirectUri: `${url}/login?signedOut=1`,
      accounts: {
        olivia: {
          email: 'olivia@example.test',
          name: 'Olivia',
          organizationId: 'org_default',
          roles: ['admin'],
        },
        victor: {
          email: 'victor@example.test',
          name: 'Victor',
          organizationId: 'org_default',
          roles: ['viewer'],
        },
      },
    });
    // One after another: the edge's start is the slow part, and the machine is shared.
    stack = await startConsoleStack({
      PORT: String(port),
      CAMELEER_OIDC_ISSUER: provider.issuer,
      CAMELEER_OIDC_AUDIENCE: provider.audience,
      CAMELEER_OIDC_CLIENT_ID: provider.clientId,
      CAMELEER_OIDC_CLIENT_SECRET: provider.clientSecret,
      CAMELEER_OIDC_DISPLAY_NAME: 'Test IdP',
    });
    const [launched, jar] = await Promise.all([launchChromium(), buildSampleJar({ version: '1' })]);
    browser = launched;
    const ok = async (res: Promise<Response>, status: number) => {
      const r = await res;
      if (r.status !== status) throw new Error(`${r.url}: ${r.status} ${await r.text()}`);
      return r;
    };
    await ok(
      stack.api('/api/tenants/default', { method: 'PATCH', json: { oidcOrganizationId: 'org_default' } }),
      200,
    );
    await ok(
      stack.api('/api/tenants/default/apps', { json: { name: 'orders', description: 'Takes orders' } }),
      201,
    );
    await ok(
      stack.api('/api/tenants/default/apps/orders/versions', {
        body: readFileSync(jar),
        headers: { 'content-type': 'application/java-archive' },
      }),
      201,
    );
    const deployed = await ok(
      stack.api('/api/tenants/default/apps/orders/deployments', { json: { environment: 'dev' } }),
      202,
    );
    deploymentId = ((await deployed.json()) as { id: string }).id;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await provider?.close();
  });

  /** The provider's own login page, as a person fills it in. */
  const signInAtProvider = async (page: Page, login: string) => {
    await page.waitForURL((u) => u.href.startsWith(provider.issuer));
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').first().click();
  };

  it('starts from a deep link, signs in at the provider, lands there, sees the tenant and signs out', async () => {
    const flow = await openFlow(browser, 'oidc-sign-in');
    const { page } = flow;
    await page.goto(`${stack.url}/t/default/apps`);
    await page.waitForURL(/\/login\?rd=/);
    const button = page.getByRole('link', { name: 'Sign in with Test IdP' });
    await expect.poll(() => button.isVisible()).toBe(true);
    expect(await page.getByText('one-time sign-in link').isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('login');

    await button.click();
    await signInAtProvider(page, 'olivia');
    await page.waitForURL(`${stack.url}/t/default/apps`);
    await expect.poll(() => page.getByText('orders').first().isVisible()).toBe(true);
    // One tenant: no switcher; the account menu says who and where.
    expect(await page.getByRole('textbox', { name: 'Tenant' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Account' }).click();
    await expect.poll(() => page.getByText('Olivia').isVisible()).toBe(true);
    expect(await page.getByTestId('role').textContent()).toBe('admin in Default');
    await flow.shot('signed-in');
    // axe on the page with the menu closed: Mantine's open menu holds its focus sentinel (a focusable
    // role=presentation div), which axe flags as a child a menu may not have.
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'hidden' });
    expect(await flow.accessibilityViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Account' }).click();

    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login\?signedOut=1/);
    expect((await page.context().cookies()).find((c) => c.name === 'cameleer_session')).toBeUndefined();
    const endSession = page.getByRole('link', { name: 'Also sign out of Test IdP' });
    await expect.poll(() => endSession.isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('signed-out');
    await endSession.click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(/\/login\?signedOut=1/);
    expect(await (await page.request.get(`${stack.url}/api/me`)).status()).toBe(401);
    await flow.close();
  }, 120_000);

  it('shows a failed sign-in in words on the sign-in page', async () => {
    // At a phone's width, dark: the sign-in page is the one screen every visitor sees.
    const flow = await openFlow(browser, 'oidc-error', { viewport: 'phone', colorScheme: 'dark' });
    const { page } = flow;
    // A callback this browser never started (no flow cookie): refused, in words.
    await page.goto(`${stack.url}/auth/oidc/callback?code=stolen&state=forged`);
    await page.waitForURL(/\/login\?error=/);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('was not started in this browser');
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('error');
    await flow.close();
  });

  it('walks a viewer through every screen: no action the role may not take is open, and the API refuses one', async () => {
    const flow = await openFlow(browser, 'oidc-viewer');
    const { page } = flow;
    await page.goto(`${stack.url}/t/default`);
    await page.waitForURL(/\/login\?rd=/);
    await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
    await signInAtProvider(page, 'victor');
    await page.waitForURL(`${stack.url}/t/default`);

    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    const held = new Set<string>(
      (me as { memberships: { permissions: string[] }[] }).memberships[0]?.permissions,
    );
    expect(held.has('apps:write')).toBe(false);

    const screens: [string, string][] = [
      ['overview', ''],
      ['apps', '/apps'],
      ['app', '/apps/orders'],
      ['deployment', `/deployments/${deploymentId}`],
      ['runners', '/runners'],
      ['logs', '/logs'],
      ['traces', '/traces'],
      ['topology', '/topology'],
      ['routes', '/routes'],
      ['billing', '/billing'],
      ['configuration', '/settings/configuration'],
      ['members', '/settings/members'],
      ['api-tokens', '/settings/tokens'],
      ['audit-log', '/settings/audit'],
    ];
    const guardedSeen = new Set<string>();
    for (const [name, path] of screens) {
      await page.goto(`${stack.url}/t/default${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
      for (const permission of await checkViewerControls(flow, held, name)) guardedSeen.add(permission);
      expect(await flow.accessibilityViolations()).toEqual([]);
      await flow.shot(name);
    }
    // The walk met the write actions of the console, each closed to the viewer.
    expect([...guardedSeen]).toEqual(
      expect.arrayContaining([
        'apps:write',
        'config:write',
        'deployments:write',
        'members:write',
        'api-tokens:write',
      ]),
    );

    const refused = await page.evaluate(async () => {
      const res = await fetch('/api/tenants/default/apps', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sneaky' }),
      });
      return { status: res.status, type: res.headers.get('content-type') };
    });
    expect(refused).toEqual({ status: 403, type: 'application/problem+json' });
    await flow.close();
  }, 240_000);
});

/**
 * Every control carrying a permission the viewer does not hold is disabled with a reason; every enabled
 * button is on the read-only list. Returns the permissions of the closed controls seen.
 */
async function checkViewerControls(flow: FlowPage, held: Set<string>, screen: string): Promise<string[]> {
  const controls = await flow.page.locator('[data-permission]').evaluateAll((els) =>
    els.map((el) => ({
      permission: el.getAttribute('data-permission') ?? '',
      disabled: el.getAttribute('aria-disabled') === 'true' || el.hasAttribute('disabled'),
      // Guarded buttons carry aria-description; a disabled input (the members' role select) its title.
      reason: el.getAttribute('aria-description') ?? el.getAttribute('title') ?? '',
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim(),
    })),
  );
  const closed: string[] = [];
  for (const c of controls) {
    if (held.has(c.permission)) continue;
    expect({ screen, ...c, disabled: c.disabled, hasReason: c.reason.length > 0 }).toMatchObject({
      disabled: true,
      hasReason: true,
    });
    closed.push(c.permission);
  }
  const enabled = await flow.page
    .locator('button:not([disabled]):not([aria-disabled="true"]):visible')
    // Hidden from assistive technology and from the tab order: an input's own stepper, not an action.
    .evaluateAll((els) =>
      els
        .filter((el) => !el.closest('[aria-hidden="true"]'))
        .map((el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim()),
    );
  const open = enabled.filter((name) => !readOnlyActions.some((re) => re.test(name)));
  expect({ screen, open }).toEqual({ screen, open: [] });
  return closed;
}
