import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../edge/test/clickhouse.ts';
import { liveRunnerStatus } from '../../test/runner-status.ts';
import { checkTelemetry } from './doctor-telemetry.ts';

describe('doctor: telemetry', () => {
  let clickhouse: TestClickHouse;
  beforeAll(async () => {
    clickhouse = await startTestClickHouse();
  }, 60_000);
  afterAll(async () => {
    await clickhouse?.close();
  });

  it('warns when no ClickHouse is named', async () => {
    const [result] = await checkTelemetry({});
    expect(result).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('CAMELEER_CLICKHOUSE_URL'),
    });
  });

  it('says ClickHouse answers, and how long the spool lasts; warns when under a day', async () => {
    const ok = await checkTelemetry({ CAMELEER_CLICKHOUSE_URL: clickhouse.url });
    expect(ok.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(ok[1]?.message).toMatch(/holds about \d+ h at 1000 records\/s/);
    const small = await checkTelemetry({
      CAMELEER_CLICKHOUSE_URL: clickhouse.url,
      CAMELEER_TELEMETRY_SPOOL_BYTES: String(1024 ** 3),
    });
    expect(small[1]).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('CAMELEER_TELEMETRY_SPOOL_BYTES'),
    });
  });

  it('fails when ClickHouse does not answer, naming where it looked', async () => {
    await clickhouse.stop();
    try {
      const [result] = await checkTelemetry({ CAMELEER_CLICKHOUSE_URL: clickhouse.url });
      expect(result).toMatchObject({
        status: 'fail',
        message: expect.stringContaining(new URL(clickhouse.url).origin),
      });
    } finally {
      await clickhouse.start();
    }
  });
});

describe('doctor: telemetry of the running runner', () => {
  const status = (pid: number, clickhouse: 'up' | 'down') =>
    liveRunnerStatus({ pid, telemetry: { clickhouse, taken: 0, budgetBytes: 2 ** 30 } });

  it("reports what a live runner's status says, with its spool budget", async () => {
    const up = await checkTelemetry({}, status(process.pid, 'up'));
    expect(up[0]).toMatchObject({ status: 'ok', message: expect.stringContaining('127.0.0.1:38123') });
    expect(up[1]).toMatchObject({ status: 'warn', message: expect.stringContaining('(1.0 GiB)') });
    const down = await checkTelemetry({}, status(process.pid, 'down'));
    expect(down[0]).toMatchObject({ status: 'fail', message: expect.stringContaining('cannot reach') });
  });

  it('ignores the status of a runner that no longer runs', async () => {
    const [result] = await checkTelemetry({}, status(2 ** 22 + 1, 'up'));
    expect(result).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('CAMELEER_CLICKHOUSE_URL'),
    });
  });
});
