import { pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns.ts';

export const apps = pgTable(
  'apps',
  {
    id: idColumn('app'),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('apps_tenant_name').on(t.tenantId, t.name)],
);

export type AppRow = typeof apps.$inferSelect;
