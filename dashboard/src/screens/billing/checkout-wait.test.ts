import { describe, expect, it } from 'vitest';
import type { Billing } from './billing-state.ts';
import { confirmationPoll, confirmationWaitMs, isConfirmed } from './checkout-wait.ts';

const billing = (tier: Billing['tier'], status?: string): Billing => ({
  tier,
  customerId: 'cus_1',
  purchasable: ['mid', 'high'],
  subscription: status ? { id: 'sub_1', status, tier, updatedAt: '2026-01-01T00:00:00Z' } : null,
});

describe('checkout return', () => {
  it('confirms a live subscription on the tier bought, and nothing before the webhook', () => {
    expect(isConfirmed(billing('low'), 'mid')).toBe(false);
    expect(isConfirmed(billing('mid', 'active'), 'mid')).toBe(true);
    expect(isConfirmed(billing('mid', 'active'), 'high')).toBe(false);
    expect(isConfirmed(billing('mid', 'canceled'), undefined)).toBe(false);
    expect(isConfirmed(billing('high', 'trialing'), undefined)).toBe(true);
  });

  it('polls every 5 s for a bounded time, and stops once confirmed', () => {
    expect(confirmationPoll(false, 0, 1000)).toBe(5000);
    expect(confirmationPoll(true, 0, 1000)).toBe(false);
    expect(confirmationPoll(false, 0, confirmationWaitMs + 1)).toBe(false);
  });
});
