import { describe, expect, it } from 'vitest';
import type { TelemetryScope } from './rows.ts';
import { leadingTimestampNanos, parseSeverity, parseTraceContext, toLogRow } from './stdout-capture-line.ts';

const scope: TelemetryScope = {
  tenantId: 'ten_1',
  environment: 'prod',
  app: 'billing',
  deploymentId: 'dep_1',
  retentionDays: 30,
};

describe('captured line parsing', () => {
  it('reads the level words of common layouts near the start of a line only', () => {
    expect(parseSeverity('2024-05-01 10:00:00.123  INFO 1 --- [main] o.a.c.Main : Started')?.text).toBe(
      'INFO',
    );
    expect(parseSeverity('10:00:00.123 [main] WARN  o.a.c.Route - slow')?.number).toBe(13);
    expect(parseSeverity('[ERROR] boom')?.number).toBe(17);
    expect(parseSeverity('SEVERE: old JUL style')?.text).toBe('ERROR');
    expect(parseSeverity('time=1 level=debug msg=x')?.text).toBe('DEBUG');
    expect(parseSeverity('{"level":"warn","msg":"x"}')?.text).toBe('WARN');
    expect(parseSeverity('TRACE entering')?.number).toBe(1);
    expect(parseSeverity('an INFORMATION line')).toBeUndefined();
    expect(parseSeverity(`${'x'.repeat(200)} ERROR`)).toBeUndefined();
  });

  it('reads trace and span ids in the usual spellings', () => {
    const id = '0af7651916cd43dd8448eb211c80319c';
    expect(parseTraceContext(`x trace_id=${id} span_id=b7ad6b7169203331`)).toEqual({
      traceId: id,
      spanId: 'b7ad6b7169203331',
    });
    expect(parseTraceContext(`{"traceId":"${id.toUpperCase()}"}`).traceId).toBe(id);
    expect(parseTraceContext('trace_id=123').traceId).toBe('');
  });

  it('takes the engine time, else a zoned leading timestamp, else now', () => {
    expect(leadingTimestampNanos('2024-05-01T10:00:00.5+02:00 INFO x')).toBe(1714550400500000000n);
    expect(leadingTimestampNanos('2024-05-01 10:00:00 INFO no zone')).toBeUndefined();
    const now = () => 1714550400000000000n;
    const row = (line: string, time?: string) =>
      toLogRow({ line, time, cursor: '1' }, { scope, instanceId: 'i1', now }).row.Timestamp;
    expect(row('x', '2024-05-01T08:00:00.123456789Z')).toBe('2024-05-01 08:00:00.123456789');
    expect(row('2024-05-01T08:00:01.25Z INFO x')).toBe('2024-05-01 08:00:01.250000000');
    expect(row('plain')).toBe('2024-05-01 08:00:00.000000000');
  });

  it("stores the app's line once: the timestamp and level it starts with become the row's, not its body", () => {
    const row = (line: string, time?: string) =>
      toLogRow({ line, time, cursor: '1' }, { scope, instanceId: 'i1' }).row;
    expect(row('2026-12-03T16:41:27.306123Z INFO [orders] order 7 received')).toMatchObject({
      Timestamp: '2026-12-03 16:41:27.306123000',
      SeverityText: 'INFO',
      Body: '[orders] order 7 received',
    });
    expect(row('[2024-05-01T10:00:00.5+02:00] [WARN] slow', '2024-05-01T08:00:00.5Z')).toMatchObject({
      SeverityText: 'WARN',
      Body: 'slow',
    });
    expect(row('2024-05-01 10:00:00.123Z  ERROR 1 --- [main] o.a.c.Main : boom').Body).toBe(
      '1 --- [main] o.a.c.Main : boom',
    );
    expect(row('ERROR: disk full').Body).toBe('disk full');
    // What was not parsed stays: a zoneless time is not the row's, a later level word is prose.
    expect(row('2024-05-01 10:00:00 INFO no zone').Body).toBe('2024-05-01 10:00:00 INFO no zone');
    expect(row('10:00:00.123 [main] WARN  o.a.c.Route - slow').Body).toBe(
      '10:00:00.123 [main] WARN  o.a.c.Route - slow',
    );
    expect(row('INFO').Body).toBe('INFO');
    // The process orchestrator's own notes in the instance's output file: its time is the row's too.
    expect(row('[cameleer] 2026-12-03T16:41:27.306Z exited with code 1; restarting in 1 s')).toMatchObject({
      Timestamp: '2026-12-03 16:41:27.306000000',
      Body: '[cameleer] exited with code 1; restarting in 1 s',
    });
  });

  it('gives stack trace lines the level of the line they continue, and names the stream', () => {
    const error = toLogRow(
      { line: 'ERROR failed', stream: 'stderr', cursor: '1' },
      { scope, instanceId: 'i1' },
    );
    const at = toLogRow(
      { line: '\tat com.acme.Billing.run(Billing.java:12)', stream: 'stderr', cursor: '2' },
      { scope, instanceId: 'i1', previous: error.severity },
    );
    expect(at.row).toMatchObject({
      SeverityText: 'ERROR',
      ScopeName: 'cameleer.stderr',
      LogAttributes: { 'log.iostream': 'stderr' },
      TenantId: 'ten_1',
      App: 'billing',
    });
    const plain = toLogRow(
      { line: 'no level', cursor: '3' },
      { scope, instanceId: 'i1', previous: error.severity },
    );
    expect(plain.row).toMatchObject({ SeverityText: '', SeverityNumber: 0, ScopeName: 'cameleer.stdout' });
  });
});
