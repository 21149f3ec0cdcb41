/** Instance output for log capture: its types sit with the `Orchestrator` interface, which names them. */
export type { FollowOutputOptions, OutputFollower, OutputLine } from './orchestrator.ts';

/** `2024-05-01T10:00:00.123456789Z` (RFC 3339 with nanoseconds, as Docker writes them, trailing zeros trimmed) as nanoseconds. */
export function rfc3339Nanos(time: string): bigint {
  const match = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!match) return 0n;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return 0n;
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}
