import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { drainPending, Session } from 'chdb';

/**
 * chDB is one engine per process bound to one data directory: a second directory is refused while
 * the first is open. Everything in this process that needs the embedded ClickHouse shares one
 * `Session` per directory through this registry, counted so the last user closes it.
 */
const open = new Map<string, { session: Session; users: number }>();

// Server-side time zone, as ClickHouse servers run: DateTime text without a zone is UTC.
const connectionArgs = ['--session_timezone=UTC'];

export function acquireChdbSession(dataDir: string): Session {
  const dir = resolve(dataDir);
  const entry = open.get(dir);
  if (entry) {
    entry.users += 1;
    return entry.session;
  }
  mkdirSync(dir, { recursive: true });
  const session = new Session(dir, { connectionArgs });
  open.set(dir, { session, users: 1 });
  return session;
}

export async function releaseChdbSession(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  const entry = open.get(dir);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  open.delete(dir);
  entry.session.close();
  // close() returns before the engine lets go while a query is still running; another directory
  // can only be opened once it has.
  await drainPending();
}
