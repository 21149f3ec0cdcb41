import type { Logger } from '../../logger.ts';

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

/** Says at start how long the spool lasts at the configured rate, loudly when less than a day. */
export function logSpoolBudget(
  log: Logger,
  tuning: { spoolBytes: number; ratePerSecond: number },
  bytesPerRecord: number,
): void {
  const hours = spoolHours(tuning.spoolBytes, tuning.ratePerSecond, bytesPerRecord);
  const fields = {
    spoolBytes: tuning.spoolBytes,
    ratePerSecond: tuning.ratePerSecond,
    bytesPerRecord: Math.round(bytesPerRecord),
    hours: Math.round(hours * 10) / 10,
  };
  if (hours >= minimumSpoolHours) {
    log.info(`telemetry spool holds ${fields.hours} h at ${tuning.ratePerSecond} records/s`, fields);
    return;
  }
  log.warn(
    `TELEMETRY SPOOL TOO SMALL: it holds only ${fields.hours} h of telemetry at ${tuning.ratePerSecond} records/s; a ClickHouse outage longer than that loses data to 429s. Raise CAMELEER_TELEMETRY_SPOOL_BYTES.`,
    fields,
  );
}
