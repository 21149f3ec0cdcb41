import type { SignedCommand } from '@cameleer/shared';
import type { Durability } from '../state/journal.ts';

/**
 * Kinds that only read: running one twice changes nothing, so their journal lines need not wait
 * for the disk. A crash that loses them makes the edge re-send the command and the runner answer
 * it again. Every other kind (build, deploy, stop, restart, remove, and any kind added later)
 * keeps its fsynced journal, so a restart never runs its effect twice.
 */
export const replaySafeKinds: ReadonlySet<SignedCommand['kind']> = new Set([
  'noop',
  'status',
  'list',
  'logs',
]);

export function journalDurability(kind: SignedCommand['kind']): Durability {
  return replaySafeKinds.has(kind) ? 'buffered' : 'durable';
}
