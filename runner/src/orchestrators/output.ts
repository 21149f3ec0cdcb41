/**
 * An instance's own output (stdout/stderr) line by line, with a cursor to resume from, for log
 * capture. Unlike `Orchestrator.logs` (the current instance of an app, for people), this follows one
 * instance and can resume exactly where a previous reader stopped.
 */
import type { Instance } from './orchestrator.ts';

export type OutputLine = {
  line: string;
  /** Set when the engine keeps the streams apart (Docker); a process writes both into one file. */
  stream?: 'stdout' | 'stderr';
  /** When the engine timestamps lines (Docker): RFC 3339 with up to nanoseconds, UTC. */
  time?: string;
  /** Opaque; pass as `after` to resume right after this line. */
  cursor: string;
};

export type FollowOutputOptions = {
  /** A cursor yielded earlier: resume after that line. Without it, from the instance's first line. */
  after?: string;
  signal: AbortSignal;
};

/** Orchestrators whose instances' output can be followed. Ends when the output can grow no more. */
export type OutputFollower = (instance: Instance, opts: FollowOutputOptions) => AsyncIterable<OutputLine>;

/** `2024-05-01T10:00:00.123456789Z` (RFC 3339 with nanoseconds, as Docker writes them, trailing zeros trimmed) as nanoseconds. */
export function rfc3339Nanos(time: string): bigint {
  const match = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!match) return 0n;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return 0n;
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}
