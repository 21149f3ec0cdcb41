import type { Role } from '@cameleer/shared';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';

export type Actor = {
  type: 'user' | 'api-token' | 'system';
  id: string;
  role: Role | 'platform-admin' | 'system';
};

/** Schedules work for after the transaction of `db` commits (none when it rolls back). */
export type AfterCommit = (task: () => void) => void;

/**
 * What a tenant-scoped service operation runs with; `db` is a transaction scoped to `tenantId`.
 * Without `afterCommit` there is no enclosing transaction to wait for: scheduled work runs at once.
 */
export type TenantContext = {
  db: Db;
  tenantId: string;
  actor: Actor;
  clock: Clock;
  requestId: string;
  afterCommit?: AfterCommit;
};

/** Runs `task` once `ctx`'s transaction committed, or now when `ctx` has none to wait for. */
export function afterCommit(ctx: { afterCommit?: AfterCommit }, task: () => void): void {
  if (ctx.afterCommit) ctx.afterCommit(task);
  else task();
}

/** Runs `fn` in a transaction made by `transaction`, then the tasks it scheduled, once it committed. */
export async function committing<T>(
  transaction: (fn: (db: Db) => Promise<T>) => Promise<T>,
  fn: (db: Db, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  const tasks: Array<() => void> = [];
  const result = await transaction((db) => fn(db, (task) => tasks.push(task)));
  for (const task of tasks) task();
  return result;
}
