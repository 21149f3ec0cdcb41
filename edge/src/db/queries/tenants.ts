import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { tenants } from '../schema/index.ts';

/** A tenant named by id (`tnt_…`) or slug; deleted tenants are not found. */
export async function findActiveTenant(db: Db, idOrSlug: string) {
  const [row] = await db
    .select()
    .from(tenants)
    .where(and(or(eq(tenants.id, idOrSlug), eq(tenants.slug, idOrSlug)), eq(tenants.status, 'active')))
    .limit(1);
  return row;
}
