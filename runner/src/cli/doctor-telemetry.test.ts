import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../edge/test/clickhouse.ts';
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
