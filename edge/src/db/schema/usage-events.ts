import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns.ts';

/**
 * Metered usage in the shape of Lago's event API (`transaction_id`, `external_customer_id`,
 * `external_subscription_id`, `code`, `timestamp`, `properties`), so a later sync sends rows as they are.
 */
export const usageEvents = pgTable(
  'usage_events',
  {
    id: idColumn('use'),
    tenantId: tenantIdColumn(),
    /** Idempotency key: the same usage recorded twice is one event. */
    transactionId: text('transaction_id').notNull().unique(),
    externalCustomerId: text('external_customer_id').notNull(),
    externalSubscriptionId: text('external_subscription_id').notNull(),
    code: text('code').notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true }).notNull(),
    properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('usage_events_tenant_time').on(t.tenantId, t.timestamp)],
);

export type UsageEventRow = typeof usageEvents.$inferSelect;
