/** The ranges a person picks from; the API takes `from` (and `to`, default now) as instants. */
export const timeRanges = [
  { value: '15m', label: '15 min', ms: 15 * 60_000 },
  { value: '1h', label: '1 hour', ms: 60 * 60_000 },
  { value: '24h', label: '24 hours', ms: 24 * 60 * 60_000 },
  { value: '7d', label: '7 days', ms: 7 * 24 * 60 * 60_000 },
] as const;

export type TimeRange = (typeof timeRanges)[number]['value'];
export const defaultRange: TimeRange = '1h';

export function isTimeRange(value: string | null): value is TimeRange {
  return timeRanges.some((r) => r.value === value);
}

/** The start of the range, computed when the request is made so a refetch moves the window with the clock. */
export function rangeStart(range: TimeRange, now = Date.now()): string {
  return new Date(now - rangeMs(range)).toISOString();
}

export function rangeMs(range: TimeRange): number {
  return timeRanges.find((r) => r.value === range)?.ms ?? 60 * 60_000;
}
