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
