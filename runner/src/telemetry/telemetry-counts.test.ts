import { describe, expect, it } from 'vitest';
import { faultFixtures } from '../../test/telemetry/fault-fixtures.ts';
import { sampleScope, sampleSpans } from '../../test/telemetry/sample-spans.ts';
import { testTenant } from '../../test/telemetry/stored-spans.ts';
import { telemetryLines } from '../cli/status-command.ts';
import { silentLogger } from '../logger.ts';
import { TelemetryScopes } from './scopes.ts';
import { startRunnerTelemetry } from './telemetry-service.ts';

const { clickhouse, stateDir, cleanup } = faultFixtures();
const quick = {
  flushIntervalMs: 50,
  insertAttempts: 1,
  replayAttempts: 2,
  retryBaseMs: 1,
  retryCapMs: 5,
  probeBaseMs: 5,
  probeCapMs: 20,
};

describe('telemetry counts (chDB)', () => {
  it('records ClickHouse refuses are counted, with its reason: taken = stored + waiting + spooled + set aside', async () => {
    const ch = await clickhouse();
    const dir = await stateDir();
    const telemetry = await startRunnerTelemetry({
      stateDir: dir,
      edgeUrl: 'http://127.0.0.1:9',
      config: { clickhouse: { url: ch.url }, intakeHost: '127.0.0.1', tuning: quick },
      scopes: await TelemetryScopes.open(dir),
      keys: () => [],
      logger: silentLogger,
    });
    cleanup(() => telemetry.close());
    const scope = { ...sampleScope, tenantId: testTenant() };

    expect(telemetry.pipeline.accept({ otel_traces: sampleSpans(689, { scope }) })).toEqual({ ok: true });
    await telemetry.pipeline.flush();
    // Four spans ClickHouse cannot parse: a batch of their own, refused while ClickHouse answers.
    const unparseable = sampleSpans(4, { scope }).map((span) => ({ ...span, Timestamp: 'not a time' }));
    expect(telemetry.pipeline.accept({ otel_traces: unparseable })).toEqual({ ok: true });
    await telemetry.pipeline.drain();

    const status = telemetry.status();
    expect(status).toMatchObject({ accepted: 693, stored: 689, pending: 0, setAside: 4 });
    expect(status.spool.rows).toBe(0);
    const { accepted, stored, pending = 0, setAside = 0, spool } = status;
    expect(stored + pending + spool.rows + setAside).toBe(accepted);
    expect(telemetryLines(status)).toContainEqual(
      expect.stringMatching(
        /^ {14}4 records set aside: ClickHouse refused them \(.+\); they are kept in the spool's dead\/ folder$/,
      ),
    );
  });
});
