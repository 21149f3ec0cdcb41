import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { expireOverdueCommands } from './commands.ts';
import { deploymentResult } from './deployments/index.ts';
import { recordAppHours } from './usage.ts';

export type SweepDeps = { db: Db; clock: Clock; log: Logger };

/**
 * Work the edge does on a clock rather than on a request. Each sweep must be
 * safe to run twice at once (two edges, or a cron that fires while the last
 * run is still going): the SQL itself decides who wins, never the scheduler.
 */
export type Sweep = {
  name: string;
  /** How often Node runs it. */
  everyMs: number;
  /** Its Cron Trigger on Workers (wrangler.toml `[triggers] crons` lists each): a minute is the finest a cron does. */
  cron: string;
  /** What it changed (commands failed, events recorded), for the log. */
  run(deps: SweepDeps): Promise<number>;
};

export const commandDeadlineSweep: Sweep = {
  name: 'command-deadlines',
  everyMs: 5_000,
  cron: '* * * * *',
  // The UPDATE … WHERE state is open … RETURNING claims each row: a concurrent sweep waits
  // on the row lock, re-checks the state and skips it, so a command fails (and its deployment) once.
  run: ({ db, clock }) =>
    expireOverdueCommands(db, clock, (ctx, commandId, reason) =>
      deploymentResult(ctx, { commandId, status: 'failed', error: reason }),
    ),
};

export const appHoursSweep: Sweep = {
  name: 'app-hours',
  everyMs: 5 * 60_000,
  cron: '*/5 * * * *',
  // One event per deployment and clock hour, keyed by a unique transaction id (ON CONFLICT DO NOTHING).
  run: ({ db, clock }) => recordAppHours(db, clock),
};

/** Everything the edge runs on a timer: Node's intervals and the worker's Cron Trigger both read this list. */
export const scheduledSweeps: readonly Sweep[] = [commandDeadlineSweep, appHoursSweep];

/** The sweeps a Cron Trigger fires (`controller.cron`). */
export function sweepsForCron(cron: string, sweeps = scheduledSweeps): Sweep[] {
  return sweeps.filter((s) => s.cron === cron);
}

/** Runs the sweeps one after another; one failing is logged and does not stop the others. */
export async function runSweeps(deps: SweepDeps, sweeps: readonly Sweep[]): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  for (const sweep of sweeps) {
    try {
      done[sweep.name] = await sweep.run(deps);
    } catch (err) {
      deps.log.error(`${sweep.name} sweep failed`, { error: String(err) });
    }
  }
  return done;
}
