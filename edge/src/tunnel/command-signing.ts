import { type SignedCommand, type SigningKey, signProductToken } from '@cameleer/shared';
import type { CommandRow } from '../db/schema/index.ts';

/** Signs a command with the edge's current command key; the runner acts only on these verified claims. */
export async function signCommand(keys: readonly SigningKey[], row: CommandRow, now: Date): Promise<string> {
  const key = keys[0];
  if (!key) throw new Error('no command key');
  const cmd: SignedCommand = {
    commandId: row.id,
    tenantId: row.tenantId,
    runnerId: row.runnerId,
    seq: row.seq,
    kind: row.kind as SignedCommand['kind'],
    payload: row.payload,
  };
  const ttlSeconds = Math.max(1, Math.ceil((row.deadline.getTime() - now.getTime()) / 1000));
  return signProductToken('command', key, { sub: row.runnerId, tid: row.tenantId, cmd }, { now, ttlSeconds });
}

/**
 * The current command keys, endorsed by the oldest key still in the set: the
 * one every registered runner already trusts. Runners adopt the new set only
 * through such an endorsement, so keys rotate without downtime and a hijacked
 * socket cannot introduce its own.
 */
export async function endorseCommandKeys(keys: readonly SigningKey[], now: Date): Promise<string> {
  const endorser = keys.at(-1);
  if (!endorser) throw new Error('no command key');
  return signProductToken(
    'commandKeys',
    endorser,
    { sub: 'command-keys', keys: keys.map((k) => k.publicJwk) },
    { now, ttlSeconds: 3600 },
  );
}

export function commandKeySet(keys: readonly SigningKey[]) {
  return { keys: keys.map((k) => k.publicJwk) };
}
