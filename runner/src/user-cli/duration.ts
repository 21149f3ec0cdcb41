import { InvalidArgumentError } from 'commander';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `100ms`, `1.5s`, `15m`, `2h`, `7d` as milliseconds (commander option parser). */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  if (!match?.[1] || !match[2])
    throw new InvalidArgumentError('expected a duration like 100ms, 30s, 15m, 2h or 7d');
  return Number(match[1]) * (unitMs[match[2]] ?? 1);
}

/** A span or trace duration for people: `850µs`, `12.3 ms`, `4.56 s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms < 100 ? ms.toFixed(1) : Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** The query parameter of `--since`: the instant that long before now. */
export const sinceParam = (now: Date, sinceMs: number) => new Date(now.getTime() - sinceMs).toISOString();
