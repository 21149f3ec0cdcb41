import { boolean, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, idColumn } from './columns.ts';

/** People, from the local identity (`issuer = 'local'`) or any OIDC issuer. Not tenant-owned. */
export const users = pgTable(
  'users',
  {
    id: idColumn('usr'),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    email: text('email'),
    name: text('name'),
    platformAdmin: boolean('platform_admin').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [unique('users_issuer_subject').on(t.issuer, t.subject)],
);

export type UserRow = typeof users.$inferSelect;
