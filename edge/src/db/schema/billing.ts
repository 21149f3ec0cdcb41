import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { tenantIdColumn, updatedAt } from './columns.ts';

/**
 * A tenant's Stripe customer and the subscription state last applied to it.
 * `stateAt` is the Stripe event time of that state: older events are ignored,
 * so events arriving out of order or twice leave the newest state in place.
 */
export const billingAccounts = pgTable('billing_accounts', {
  tenantId: tenantIdColumn().primaryKey(),
  stripeCustomerId: text('stripe_customer_id').unique(),
  stripeSubscriptionId: text('stripe_subscription_id'),
  /** Stripe's subscription status: active, trialing, past_due, canceled, unpaid, incomplete… */
  subscriptionStatus: text('subscription_status'),
  priceId: text('price_id'),
  stateAt: timestamp('state_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

export type BillingAccountRow = typeof billingAccounts.$inferSelect;

/** Every Stripe event applied, by id: a redelivered event finds its row and changes nothing. Global, no tenant. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  created: timestamp('created', { withTimezone: true }).notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
});
