import { index, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn, updatedAt } from './columns.ts';
import { users } from './users.ts';

export const members = pgTable(
  'members',
  {
    id: idColumn('mem'),
    tenantId: tenantIdColumn(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['viewer', 'developer', 'admin', 'owner'] }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('members_tenant_user').on(t.tenantId, t.userId), index('members_user').on(t.userId)],
);

export type MemberRow = typeof members.$inferSelect;
