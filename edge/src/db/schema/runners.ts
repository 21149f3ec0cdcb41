import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, tenantIdColumn } from './columns.ts';

/** A runner in a customer network. Only its public key is stored; it proves itself with JWTs it signs. */
export const runners = pgTable(
  'runners',
  {
    id: idColumn('rnr'),
    tenantId: tenantIdColumn(),
    name: text('name').notNull(),
    /** Public Ed25519 JWK `x` (base64url). */
    publicKey: text('public_key').notNull(),
    environments: jsonb('environments').$type<string[]>().notNull().default([]),
    version: text('version').notNull().default(''),
    capabilities: jsonb('capabilities').$type<string[]>().notNull().default([]),
    inventory: jsonb('inventory').$type<unknown[]>().notNull().default([]),
    transport: text('transport'),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    connectedAt: timestamp('connected_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('runners_tenant').on(t.tenantId)],
);

export type RunnerRow = typeof runners.$inferSelect;
