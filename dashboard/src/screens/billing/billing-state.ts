import type { components } from '../../api/client.ts';
import { ApiProblem } from '../../api/problem.ts';

export type Billing = components['schemas']['Billing'];
export type TierUsage = components['schemas']['TierUsage'];
export type Licence = components['schemas']['Licence'];
export type TierName = Billing['tier'];

/** Cheapest first, as the edge's tier table orders them. */
export const tierOrder: TierName[] = ['low', 'mid', 'high'];

/** Where the return page finds the tenant and tier a checkout was for (Stripe's return address names neither). */
export const checkoutMemory = { tenant: 'cameleer.checkoutTenant', tier: 'cameleer.checkoutTier' } as const;

/** Stripe is not configured on this edge: an operator's task, not an error the person can fix by retrying. */
export function isBillingUnconfigured(error: unknown): boolean {
  return error instanceof ApiProblem && error.status === 503 && /not configured/.test(error.detail);
}

/** Subscription states in which Stripe is collecting money: buying again would double-charge. */
export function isLiveSubscription(billing: Billing): boolean {
  const status = billing.subscription?.status;
  return status !== undefined && !['canceled', 'incomplete_expired'].includes(status);
}
