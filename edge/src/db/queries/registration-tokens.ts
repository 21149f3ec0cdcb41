import { eq } from 'drizzle-orm';
import { type Db, withLookupKey } from '../client.ts';
import { registrationTokens } from '../schema/index.ts';

/** Finds a registration token by the hash of its secret, before the tenant is known (RLS shows only that row). */
export async function findRegistrationTokenByHash(db: Db, tokenHash: string) {
  return withLookupKey(db, 'app.token_hash', tokenHash, async (tx) => {
    const [row] = await tx
      .select()
      .from(registrationTokens)
      .where(eq(registrationTokens.tokenHash, tokenHash))
      .limit(1);
    return row;
  });
}
