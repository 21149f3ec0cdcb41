import { ownerColumns } from '@cameleer/shared';
import { describe, expect, it } from 'vitest';
import { faultFixtures } from '../../../test/telemetry/fault-fixtures.ts';
import { sampleScope } from '../../../test/telemetry/sample-spans.ts';
import { testTenant } from '../../../test/telemetry/stored-spans.ts';
import { createTelemetryPipeline } from '../pipeline/pipeline.ts';
import type { FailedExchangeRow } from '../rows.ts';

const { clickhouse, stateDir, cleanup } = faultFixtures();

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('failed exchanges through a ClickHouse outage (chDB)', () => {
  it('spools the reports taken while ClickHouse is down and stores each once when it is back', async () => {
    const ch = await clickhouse();
    const pipeline = await createTelemetryPipeline({
      stateDir: await stateDir(),
      clickhouse: { url: ch.url },
      flushIntervalMs: 100,
      probeCapMs: 500,
    });
    cleanup(() => pipeline.close());
    const scope = { ...sampleScope, tenantId: testTenant() };
    const rows: FailedExchangeRow[] = Array.from({ length: 40 }, (_, i) => ({
      ...ownerColumns(scope),
      Timestamp: new Date(Date.now() - i * 1000).toISOString().replace('T', ' ').replace('Z', '000000'),
      ExchangeId: `ID-outage-${i}`,
      RouteId: 'orders',
      FromUri: 'platform-http:/orders',
      FailedEndpoint: 'direct://validate',
      ExceptionType: 'java.lang.IllegalStateException',
      ExceptionMessage: 'boom',
      StackTrace: '',
      Headers: { authorization: '***' },
      HeadersTruncated: 0,
      Body: '{"password":"***"}',
      BodyTruncated: 0,
      BodySize: 20,
      Redactions: 2,
      TraceId: '',
      SpanId: '',
      ReplayOf: '',
    }));

    await ch.stop();
    expect(pipeline.accept({ failed_exchanges: rows.slice(0, 20) }).ok).toBe(true);
    expect(pipeline.accept({ failed_exchanges: rows.slice(20) }).ok).toBe(true);
    await until(() => pipeline.stats().spilled > 0, 20_000, 'the reports spooled to disk');
    await ch.start();
    await pipeline.drain();

    const result = await ch.client.query({
      query:
        'SELECT count() AS n, uniqExact(ExchangeId) AS ids FROM failed_exchanges WHERE TenantId = {t:String}',
      query_params: { t: scope.tenantId },
      format: 'JSONEachRow',
    });
    const [stored] = await result.json<{ n: string | number; ids: string | number }>();
    expect(Number(stored?.n)).toBe(40);
    expect(Number(stored?.ids)).toBe(40);
  }, 90_000);
});
