import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { insertLoginTicket } from '../db/queries/login-tickets.ts';
import { randomBase64Url, sha256Hex } from './hash.ts';

export const loginTicketTtlMs = 60 * 60_000;

/** A one-time sign-in ticket for a user of the local identity; returns the secret to put in a link. */
export async function issueLoginTicket(db: Db, clock: Clock, userId: string): Promise<string> {
  const ticket = randomBase64Url(32);
  await insertLoginTicket(db, {
    ticketHash: await sha256Hex(ticket),
    userId,
    expiresAt: new Date(clock.now().getTime() + loginTicketTtlMs),
  });
  return ticket;
}
