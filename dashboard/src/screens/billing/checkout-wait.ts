import { minimumPollMs } from '../../api/query-client.ts';
import { type Billing, isLiveSubscription, type TierName } from './billing-state.ts';

/** How long the return page waits for Stripe's webhook before saying it may take longer. */
export const confirmationWaitMs = 2 * 60_000;

/** Whether the purchase shows: a live subscription, on the tier bought when the page knows it. */
export function isConfirmed(billing: Billing | undefined, tier: TierName | undefined): boolean {
  if (!billing || !isLiveSubscription(billing)) return false;
  return tier === undefined || billing.tier === tier;
}

/** Every 5 s while the wait lasts and nothing is confirmed; then never again. */
export function confirmationPoll(confirmed: boolean, startedAt: number, now = Date.now()): number | false {
  return confirmed || now - startedAt > confirmationWaitMs ? false : minimumPollMs;
}
