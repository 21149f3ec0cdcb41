import { defaultTier, newId, tierNames } from '@cameleer/shared';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const tenants = pgTable('tenants', {
  id: text('id')
    .primaryKey()
    .$defaultFn(() => newId('tnt')),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'deleted'] })
    .notNull()
    .default('active'),
  /** What the tenant may use and how much (see `tiers` in @cameleer/shared). */
  tier: text('tier', { enum: tierNames }).notNull().default(defaultTier),
  /** The identity provider's organization id (Logto `organization_id`) that maps onto this tenant. */
  oidcOrganizationId: text('oidc_organization_id').unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

export type TenantRow = typeof tenants.$inferSelect;
