import { boolean, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns.ts';

/** Opaque tokens for CLIs and CI; only the SHA-256 of the secret is stored. */
export const apiTokens = pgTable('api_tokens', {
  id: idColumn('tok'),
  tenantId: tenantIdColumn(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** First characters of the secret, shown in listings so people can tell tokens apart. */
  hint: text('hint').notNull(),
  role: text('role', { enum: ['viewer', 'developer', 'admin', 'owner'] }).notNull(),
  platformAdmin: boolean('platform_admin').notNull().default(false),
  createdBy: text('created_by'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export type ApiTokenRow = typeof apiTokens.$inferSelect;
