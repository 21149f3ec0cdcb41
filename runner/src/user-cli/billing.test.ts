import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe } from '../../../edge/test/fake-stripe.ts';
import { startCliEdge } from '../../test/cli-fixture.ts';

describe('cameleer billing', () => {
  let stack: Awaited<ReturnType<typeof startCliEdge>>;
  let stripe: Awaited<ReturnType<typeof startFakeStripe>>;
  beforeAll(async () => {
    stack = await startCliEdge({ tenant: 'acme', loginAs: 'owner' });
    stripe = await startFakeStripe();
    stack.edge.services.billing = stripe.billing;
  });
  afterAll(async () => {
    await stack?.close();
    await stripe?.close();
  });

  it('shows the tier and what can be bought', async () => {
    const run = await stack.cli(['billing', 'show']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('Tier: high\nSubscription: none\nCan be bought: mid, high\n');
  });

  it('upgrade prints the Stripe Checkout page for the tier; portal prints the portal page', async () => {
    const upgrade = await stack.cli(['billing', 'upgrade', '--tier', 'mid']);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toMatch(
      /^Open this page to subscribe to mid.*\nhttps:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_\d+\n$/,
    );
    const checkout = stripe.calls.find((c) => c.path === '/v1/checkout/sessions');
    expect(checkout?.form.get('line_items[0][price]')).toBe('price_test_mid');

    const portal = await stack.cli(['billing', 'portal']);
    expect(portal.code).toBe(0);
    expect(portal.stdout).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_test_\d+\n$/);
  });

  it('says why when the tier is not one', async () => {
    const run = await stack.cli(['billing', 'upgrade', '--tier', 'gold']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cameleer: .*tier.*\[HTTP 400\]\n$/);
  });
});
