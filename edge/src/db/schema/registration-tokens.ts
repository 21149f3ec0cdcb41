import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns.ts';

/** One-time, short-lived runner registration tokens; only the hash of the secret is stored. */
export const registrationTokens = pgTable('runner_registration_tokens', {
  id: idColumn('rgt'),
  tenantId: tenantIdColumn(),
  tokenHash: text('token_hash').notNull().unique(),
  environments: jsonb('environments').$type<string[]>().notNull().default([]),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  runnerId: text('runner_id'),
});
