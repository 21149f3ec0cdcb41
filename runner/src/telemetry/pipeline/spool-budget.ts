/**
 * Bytes a realistic span takes in the spool (gzip'd JSON lines), rounded up from the measurement in
 * `spool-budget.test.ts` (about 51). Used to size the budget before anything has been spilled.
 */
export const estimatedSpoolBytesPerRecord = 64;

/** The OpenTelemetry collector's exporter gives up after 300 s; the spool must hold a day. */
export const minimumSpoolHours = 24;

/** How many hours a spool of `budgetBytes` holds at `ratePerSecond` records of `bytesPerRecord`. */
export function spoolHours(budgetBytes: number, ratePerSecond: number, bytesPerRecord: number): number {
  return budgetBytes / (ratePerSecond * bytesPerRecord) / 3600;
}
