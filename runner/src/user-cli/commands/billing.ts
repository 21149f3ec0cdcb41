import type { Command } from 'commander';
import { z } from 'zod';
import { openApi } from '../api-client.ts';
import { type CliContext, printJson } from '../cli-context.ts';

const Billing = z.looseObject({
  tier: z.string(),
  customerId: z.string().nullable(),
  subscription: z.looseObject({ id: z.string(), status: z.string(), tier: z.string().nullable() }).nullable(),
  purchasable: z.array(z.string()),
});
const SessionUrl = z.looseObject({ url: z.string() });

/** `cameleer billing`: the tenant's tier and subscription, and the Stripe pages to change them. */
export function registerBillingCommands(program: Command, ctx: CliContext): void {
  const billing = program.command('billing').description("the tenant's tier and its Stripe subscription");
  billing
    .command('show')
    .description('print the tier, the subscription and the tiers that can be bought')
    .option('--json', 'print it as JSON')
    .action(async (opts: { json?: boolean }) => {
      const api = await openApi(ctx);
      const state = await api.get(api.tenantPath('/billing'), Billing);
      if (opts.json) return printJson(ctx, state);
      const subscription = state.subscription
        ? `${state.subscription.status} (${state.subscription.tier ?? 'no tier'}, ${state.subscription.id})`
        : 'none';
      ctx.write(
        `Tier: ${state.tier}\nSubscription: ${subscription}\n` +
          `Can be bought: ${state.purchasable.join(', ') || 'nothing (no Stripe prices configured)'}\n`,
      );
    });
  billing
    .command('upgrade')
    .description('start a Stripe Checkout for a tier and print the page to open')
    .requiredOption('--tier <tier>', 'the tier to subscribe to')
    .action(async (opts: { tier: string }) => {
      const api = await openApi(ctx);
      const session = await api.post(api.tenantPath('/billing/checkout'), { tier: opts.tier }, SessionUrl);
      ctx.write(
        `Open this page to subscribe to ${opts.tier}; the tier changes once Stripe confirms it:\n${session.url}\n`,
      );
    });
  billing
    .command('portal')
    .description("print the Stripe customer portal's page, to change or cancel the subscription")
    .action(async () => {
      const api = await openApi(ctx);
      const session = await api.post(api.tenantPath('/billing/portal'), {}, SessionUrl);
      ctx.write(`${session.url}\n`);
    });
}
