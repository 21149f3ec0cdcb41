import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { loginTickets } from '../schema/index.ts';

export async function insertLoginTicket(
  db: Db,
  values: { ticketHash: string; userId: string; expiresAt: Date },
) {
  await db.insert(loginTickets).values(values);
}

/** Marks the ticket used and returns its user, or nothing when it is unknown, used or expired. Atomic. */
export async function consumeLoginTicket(db: Db, ticketHash: string, now: Date) {
  const [row] = await db
    .update(loginTickets)
    .set({ usedAt: now })
    .where(
      and(
        eq(loginTickets.ticketHash, ticketHash),
        isNull(loginTickets.usedAt),
        gt(loginTickets.expiresAt, now),
      ),
    )
    .returning({ userId: loginTickets.userId });
  return row;
}
