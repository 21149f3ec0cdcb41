import { expect, it } from 'vitest';
import { telemetryLines } from './status-command.ts';

const healthy = {
  intakeUrl: 'http://0.0.0.0:41234',
  clickhouse: 'up' as const,
  accepted: 120_345,
  stored: 120_000,
  refused: 0,
  malformedRequests: 0,
  unauthorizedRequests: 0,
  spool: { rows: 0, bytes: 0, budgetBytes: 6 * 2 ** 30 },
};

it('shows where telemetry goes, and what waits in the spool', () => {
  expect(telemetryLines(healthy)).toEqual([
    '  telemetry:  intake http://0.0.0.0:41234, ClickHouse up',
    '              120,345 records taken, 120,000 stored; spool 0 records (0.000 GiB of 6.0 GiB)',
  ]);
});

it('says what was refused, and what to do when the spool is full', () => {
  const lines = telemetryLines({
    ...healthy,
    clickhouse: 'down',
    refused: 5_000,
    malformedRequests: 2,
    unauthorizedRequests: 1,
    spool: { rows: 9_000_000, bytes: 6 * 2 ** 30, budgetBytes: 6 * 2 ** 30 },
  });
  expect(lines[0]).toContain('ClickHouse down');
  expect(lines[1]).toContain('spool 9,000,000 records (6.0 GiB of 6.0 GiB)');
  expect(lines[2]).toMatch(
    /5,000 records refused with 429: the spool is full; raise CAMELEER_TELEMETRY_SPOOL_BYTES/,
  );
  expect(lines[3]).toBe('              2 malformed and 1 unauthorized OTLP requests refused');
});

it('counts Camel spans placed without their route, and hops dropped', () => {
  expect(
    telemetryLines({ ...healthy, camelHops: { pending: 3, hops: 900, orphaned: 0, dropped: 0 } }),
  ).toHaveLength(2);
  expect(
    telemetryLines({ ...healthy, camelHops: { pending: 0, hops: 900, orphaned: 7, dropped: 2 } })[2],
  ).toBe(
    '              7 Camel spans placed without their route (an ancestor span never came), 2 route hops dropped while the spool was full',
  );
});
