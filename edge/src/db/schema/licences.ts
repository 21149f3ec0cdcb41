import { tierNames } from '@cameleer/shared';
import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { idColumn, tenantIdColumn } from './columns.ts';

/** A signed licence issued to a tenant. The newest is the current one; a revoked one stays for the record. */
export const licences = pgTable(
  'licences',
  {
    id: idColumn('lic'),
    tenantId: tenantIdColumn(),
    tier: text('tier', { enum: tierNames }).notNull(),
    /** The signed token as issued (Ed25519 JWT, `typ` cameleer-licence+jwt). */
    token: text('token').notNull(),
    claims: jsonb('claims').$type<Record<string, unknown>>().notNull(),
    kid: text('kid').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('licences_tenant_issued').on(t.tenantId, t.issuedAt)],
);

export type LicenceRow = typeof licences.$inferSelect;
