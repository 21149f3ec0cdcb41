import type { InventoryItem } from '@cameleer/shared';
import type { Services } from '../env.ts';
import type { AfterCommit } from '../services/context.ts';

/** The transaction a link handles one runner frame in, scoped to the runner's tenant. */
export type LinkScope = {
  services: Services;
  ctx: { db: Services['db']; tenantId: string; clock: Services['clock']; afterCommit: AfterCommit };
};

/** A command that just reached its final state: recorded once, never again for a repeated result. */
export type FinishedCommand = {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: string;
};

/**
 * What a runner's frames mean beyond the tunnel, given to the hub by whoever wires it: the tunnel
 * stores commands, progress and results, and hands the rest here, inside the same transaction.
 */
export type RunnerEvents = {
  /** A progress line of an open command (deployment stages). */
  commandProgress(scope: LinkScope, progress: { commandId: string; message: string }): Promise<void>;
  /** One hook for every finished command, whatever its kind. */
  commandFinished(scope: LinkScope, command: FinishedCommand): Promise<void>;
  /** The runner's full inventory, on connect and whenever it changes (reconciliation). */
  inventoryReported(scope: LinkScope, input: { runnerId: string; inventory: InventoryItem[] }): Promise<void>;
};
