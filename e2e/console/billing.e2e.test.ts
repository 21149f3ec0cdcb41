import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeCrypto } from '../../edge/src/billing/stripe-billing.ts';
import { startFakeStripe, testPrices, testWebhookSecret } from '../../edge/test/fake-stripe.ts';
import { launchChromium, openFlow, signInWithLink } from '../fixtures/browser.ts';
import { type ConsoleStack, startConsoleStack } from '../fixtures/console-stack.ts';

type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

describe('console: licence and billing', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let stripe: FakeStripe;
  beforeAll(async () => {
    stripe = await startFakeStripe();
    [stack, browser] = await Promise.all([
      startConsoleStack({
        STRIPE_SECRET_KEY: 'sk_test_fake',
        STRIPE_WEBHOOK_SECRET: testWebhookSecret,
        STRIPE_PRICE_MID: testPrices.mid,
        STRIPE_PRICE_HIGH: testPrices.high,
        STRIPE_API_BASE: stripe.url,
      }),
      launchChromium(),
    ]);
    // From the cheapest tier, so both upgrades are offered.
    const tier = await stack.api('/api/tenants/default/tier', { method: 'PUT', json: { tier: 'low' } });
    expect(tier.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await stripe?.close();
  });

  /** What Stripe sends once the checkout is paid: the subscription, signed with the webhook secret. */
  async function deliverSubscription(customer: string, price: string) {
    const payload = JSON.stringify({
      id: 'evt_e2e_1',
      object: 'event',
      type: 'customer.subscription.created',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: 'sub_e2e',
          object: 'subscription',
          customer,
          status: 'active',
          metadata: {},
          items: {
            object: 'list',
            data: [{ id: 'si_e2e', object: 'subscription_item', price: { id: price } }],
          },
        },
      },
    });
    const signature = await stripe.billing.stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: testWebhookSecret,
      cryptoProvider: stripeCrypto,
    });
    const res = await fetch(`${stack.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  it('shows the usage bars, upgrades through Checkout, waits for the webhook and downloads the licence', async () => {
    const flow = await openFlow(browser, 'billing');
    const { page } = flow;
    await signInWithLink(page, stack.loginUrl);
    await page.goto(`${stack.url}/t/default/billing`);
    await expect.poll(() => page.getByTestId('current-tier').textContent()).toBe('low tier');
    // The quick start's three environments and its local runner, against the low tier's limits.
    expect(await page.getByTestId('usage-environments').textContent()).toBe('3 of 1');
    expect(await page.getByTestId('usage-apps').textContent()).toBe('0 of 3');
    expect(await page.getByTestId('usage-runners').textContent()).toBe('1 of 1');
    const environmentsBar = page.getByRole('progressbar', { name: 'Environments: 3 of 1 used' });
    expect(await environmentsBar.getAttribute('aria-valuenow')).toBe('100');
    await expect.poll(() => page.getByTestId('subscription-state').textContent()).toMatch(/No subscription/);
    expect(await page.getByRole('button', { name: 'Manage billing' }).isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId('licence-state').textContent()).toBe('valid');
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('billing');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download licence token' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('cameleer-licence-default.jwt');
    const token = readFileSync(await download.path(), 'utf8');
    const verdict = await stack.api('/api/licences/verify', { json: { token } });
    expect(verdict.status).toBe(200);
    expect(await verdict.json()).toMatchObject({ valid: true, state: 'valid', claims: { tier: 'low' } });

    // Stripe's pages are not reachable from here: the fake checkout page stands in for them.
    await page.route('https://checkout.stripe.test/**', (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<title>Checkout</title><h1>Fake Stripe Checkout</h1>',
      }),
    );
    await page.getByRole('button', { name: 'Upgrade to mid' }).click();
    await page.waitForURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    const session = stripe.calls.find((c) => c.path === '/v1/checkout/sessions');
    expect(session?.form.get('line_items[0][price]')).toBe(testPrices.mid);

    await page.goto(`${stack.url}/billing?checkout=canceled`);
    await expect.poll(() => page.getByText('Nothing changed and nothing was charged').isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('checkout-cancelled');

    await page.goto(`${stack.url}/billing?checkout=success`);
    await expect.poll(() => page.getByText('Waiting for Stripe').isVisible()).toBe(true);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('checkout-waiting');
    await deliverSubscription(session?.form.get('customer') ?? '', testPrices.mid);
    // The page asks again every 5 s: the webhook shows within one or two rounds.
    await expect
      .poll(() => page.getByText('Payment confirmed').isVisible(), { timeout: 20_000, interval: 500 })
      .toBe(true);
    expect(await page.getByText('on the mid tier now').isVisible()).toBe(true);
    await flow.shot('checkout-confirmed');

    await page.getByRole('link', { name: 'Back to licence and billing' }).click();
    await page.waitForURL(/\/t\/default\/billing$/);
    await expect.poll(() => page.getByTestId('current-tier').textContent()).toBe('mid tier');
    await expect.poll(() => page.getByTestId('subscription-state').textContent()).toMatch(/active/);
    // With a live subscription, changes go through the portal rather than a second checkout.
    expect(await page.getByRole('button', { name: 'Upgrade to high' }).isDisabled()).toBe(true);
    await page.route('https://billing.stripe.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Portal</title><h1>Fake portal</h1>' }),
    );
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await page.waitForURL(/^https:\/\/billing\.stripe\.test\/p\/session\//);
    await flow.close();
  }, 120_000);

  it('reads well on a phone in dark mode, and shows the platform actions a tenant owner may not take as disabled', async () => {
    const flow = await openFlow(browser, 'billing-phone', { viewport: 'phone', colorScheme: 'dark' });
    const { page } = flow;
    // The sign-in link is single use: this flow acts as a tenant owner through an API token.
    const created = await stack.api('/api/tenants/default/api-tokens', {
      json: { name: 'e2e-billing-owner', role: 'owner' },
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${secret}` });
    await page.goto(`${stack.url}/t/default/billing`);
    await expect.poll(() => page.getByTestId('current-tier').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('licence-state').isVisible()).toBe(true);
    const issue = page.getByRole('button', { name: 'Issue a new licence' });
    expect(await issue.getAttribute('aria-disabled')).toBe('true');
    expect(await issue.getAttribute('aria-description')).toMatch(/needs platform:admin/);
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('billing-phone-dark');
    await flow.close();
  }, 60_000);
});

describe('console: licence and billing on an edge without Stripe', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('says billing is not set up instead of offering buttons that cannot work, and the licence still shows', async () => {
    const flow = await openFlow(browser, 'billing-unconfigured');
    const { page } = flow;
    await signInWithLink(page, stack.loginUrl);
    await page.goto(`${stack.url}/t/default/billing`);
    await expect.poll(() => page.getByText('Billing is not set up on this edge').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /^Upgrade/ }).count()).toBe(0);
    expect(await page.getByTestId('current-tier').textContent()).toBe('high tier');
    await expect.poll(() => page.getByTestId('licence-state').textContent()).toBe('valid');
    expect(await flow.accessibilityViolations()).toEqual([]);
    await flow.shot('billing-unconfigured');
    await flow.close();
  }, 60_000);
});
