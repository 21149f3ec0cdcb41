import type { EdgeFrame, Transport } from '@cameleer/shared';
import type { RunnerIdentity } from './runner-auth.ts';

/**
 * Where live runner connections are. Node keeps them in process (`LocalHub`);
 * Workers will keep one Durable Object per runner. Routes only use this.
 */
export interface TunnelHub {
  /** New commands are stored for this runner: send them if it is connected. */
  notify(runnerId: string): void;
  /** Drop the runner's live connection at once (revocation). */
  disconnect(runnerId: string, reason: string): void;
  /** The live connection of a runner, if any. */
  connection(runnerId: string): { transport: Transport; since: Date } | undefined;
  /** One long-poll exchange, where this hub offers the long-poll transport. */
  poll?(runner: RunnerIdentity, rawFrames: string[], waitMs: number): Promise<EdgeFrame[]>;
}
