import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index.ts';

export type Schema = typeof schema;

/** Any drizzle Postgres database or transaction: PGlite, node-postgres and Neon differ only in how it is made. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** The role the application acts as; it owns nothing and is subject to row-level security. */
export const appRole = 'cameleer_app';

/**
 * Runs `fn` in a transaction whose row-level-security scope is one tenant.
 * Queries inside still filter by tenant themselves; this is the second guard.
 */
export async function withTenant<T>(db: Db, tenantId: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
    return fn(tx);
  });
}

/** Runs `fn` with an RLS-visible lookup key set for this transaction only (`app.token_hash`, `app.user_id`). */
export async function withLookupKey<T>(
  db: Db,
  key: 'app.token_hash' | 'app.user_id',
  value: string,
  fn: (tx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config(${key}, ${value}, true)`);
    return fn(tx);
  });
}
