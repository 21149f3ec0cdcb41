import type { EdgeFrame, Transport } from '@cameleer/shared';
import type { RunnerIdentity } from './runner-auth.ts';

/** A command's final result, as its runner reported it (or as the edge decided for it). */
export type CommandOutcome = {
  commandId: string;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: string;
};

/** A runner's row as far as its connection shows there. */
export type RunnerSeen = { lastSeenAt: Date | null; connectedAt: Date | null; transport: string | null };

/**
 * How long to wait for a result: until `signal` aborts or `timeoutMs` passes, whichever comes first.
 * `tenantId` is the command's: a hub that reads results from the database reads them in its tenant.
 */
export type AwaitResultOptions = { tenantId: string; signal?: AbortSignal; timeoutMs?: number };

/**
 * Where live runner connections are. Node keeps them in process (`LocalHub`);
 * Workers keep one Durable Object per runner (`DurableHub`). Routes only use this.
 * Nothing here may name a runtime's own types: each runtime implements it.
 */
export interface TunnelHub {
  /** New commands are stored for this runner: send them if it is connected. */
  notify(runnerId: string): void;
  /** Drop the runner's live connection at once (revocation). */
  disconnect(runnerId: string, reason: string): void;
  /**
   * The live connection of a runner, if any. `seen` is what the runner's row says (last seen,
   * connected at, transport): a hub that cannot see the connection itself judges by it.
   */
  connection(runnerId: string, seen?: RunnerSeen): { transport: Transport; since: Date } | undefined;
  /**
   * The result of a command once this hub records it; undefined when the wait ends first.
   * A result recorded before the wait began is not replayed: read the database for that.
   */
  awaitResult(commandId: string, options: AwaitResultOptions): Promise<CommandOutcome | undefined>;
  /** One long-poll exchange, where this hub offers the long-poll transport. */
  poll?(runner: RunnerIdentity, rawFrames: string[], waitMs: number): Promise<EdgeFrame[]>;
}
