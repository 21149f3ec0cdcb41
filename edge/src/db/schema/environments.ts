import { pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns.ts';

export const environments = pgTable(
  'environments',
  {
    id: idColumn('env'),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('environments_tenant_name').on(t.tenantId, t.name)],
);

export type EnvironmentRow = typeof environments.$inferSelect;
