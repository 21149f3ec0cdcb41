/** What every observability question is asked over, and how its times cross into and out of SQL. */
export type TimeRange = { from: Date; to: Date };

/** Bound as `{fromMs:Int64}` and `{toMs:Int64}`; `to` is exclusive. */
export function rangeParams(range: TimeRange) {
  return { fromMs: range.from.getTime(), toMs: range.to.getTime() };
}

/** ClickHouse's nanosecond timestamps (UInt64, sent as strings) as ISO-8601 to the millisecond. */
export function nanosToIso(nanos: string | number): string {
  return new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();
}

export const nanosToMs = (nanos: string | number) => Number(nanos) / 1e6;

/** `WHERE` conditions: fixed SQL fragments chosen by code, never text from the request. */
export function allOf(conditions: ReadonlyArray<string | false | undefined>): string {
  return conditions.filter((c): c is string => !!c).join('\n  AND ');
}

/** The minutes of the range, for the per-minute aggregates: a minute counts when it started in it. */
export const minutesInRange = [
  'Minute >= toStartOfMinute(fromUnixTimestamp64Milli({fromMs:Int64}))',
  'Minute < fromUnixTimestamp64Milli({toMs:Int64})',
];
