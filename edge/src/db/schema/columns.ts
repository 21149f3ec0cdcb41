import { type IdPrefix, newId } from '@cameleer/shared';
import { text, timestamp } from 'drizzle-orm/pg-core';
import { tenants } from './tenants.ts';

export const idColumn = (prefix: IdPrefix) =>
  text('id')
    .primaryKey()
    .$defaultFn(() => newId(prefix));

/** The owning tenant. Every table with this column is guarded by row-level security (see 0001_rls.sql). */
export const tenantIdColumn = () =>
  text('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
