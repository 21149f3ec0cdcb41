import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../../edge/test/clickhouse.ts';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../../edge/test/fixtures.ts';
import { uploadJar } from '../../../edge/test/jars.ts';
import { until } from '../../../edge/test/runners.ts';
import { buildSampleJar } from '../../test/java-fixtures.ts';
import { registerRunner } from '../registration.ts';
import type { TelemetryStatus } from '../state/status-file.ts';

const bin = fileURLToPath(new URL('../../bin/cameleer-runner.js', import.meta.url));
const tenantSlug = 'killed';
const requests = 40;
/** Spans the sample app reports per successful `GET /orders`. */
const spansPerRequest = 5;

/**
 * The fault, on the real runner binary: ClickHouse is down, an app's spans spill to the
 * runner's spool, the runner is SIGKILLed; once ClickHouse and the runner are back, every span is
 * stored, and none twice.
 */
describe('the runner killed with spilled telemetry', () => {
  let clickhouse: TestClickHouse;
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let runner: ChildProcess | undefined;
  let token = '';
  let tenantId = '';
  const stateDir = mkdtempSync(join(tmpdir(), 'cameleer-runner-kill-'));
  const spoolDir = join(stateDir, 'telemetry', 'spool');

  const startRunner = () => {
    const child = spawn(process.execPath, [bin, 'start', '--state-dir', stateDir, '--quiet'], {
      env: {
        ...process.env,
        CAMELEER_CLICKHOUSE_URL: clickhouse.url,
        CAMELEER_ORCHESTRATOR: 'process',
        CAMELEER_FRONT_PORT: 'off',
      },
      stdio: 'ignore',
    });
    runner = child;
    return child;
  };
  const api = async (path: string, init: { method?: string; json?: unknown } = {}) =>
    edge.request(`/api/tenants/${tenantSlug}/${path}`, { token, ...init });
  const connected = async () => {
    const res = await api('runners');
    const { items } = (await res.json()) as { items: Array<{ status: string }> };
    return items.some((r) => r.status === 'online');
  };

  beforeAll(async () => {
    clickhouse = await startTestClickHouse();
    edge = await createTestEdge('pglite');
    server = await listenTestEdge(edge);
    edge.services.settings.publicUrl = server.url;
    const t = await edge.tenant(tenantSlug);
    token = t.tokens.admin;
    tenantId = t.id;
    const res = await api('runner-tokens', { method: 'POST', json: {} });
    const { token: registration } = (await res.json()) as { token: string };
    await registerRunner({ edgeUrl: server.url, token: registration, stateDir, name: 'to-be-killed' });
    startRunner();
    await until(connected, 30_000, 'the runner connected');
  }, 120_000);

  afterAll(async () => {
    if (runner && runner.exitCode === null) {
      await api('apps/orders/remove', { method: 'POST', json: { environment: 'dev' } }).catch(() => {});
      await until(() => !hasProcessApps(stateDir), 30_000).catch(() => {});
      runner.kill('SIGTERM');
      await new Promise((resolve) => runner?.once('exit', resolve));
    }
    await server?.close();
    await edge?.close();
    await clickhouse?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('delivers every spilled span after a SIGKILL and a restart, none twice', async () => {
    expect((await api('apps', { method: 'POST', json: { name: 'orders' } })).status).toBe(201);
    const jar = new Uint8Array(readFileSync(await buildSampleJar({ version: '1' })));
    expect(
      (await uploadJar(edge, `/api/tenants/${tenantSlug}/apps/orders/versions?label=1`, token, jar)).status,
    ).toBe(201);
    const deployed = (await (
      await api('apps/orders/deployments', { method: 'POST', json: { environment: 'dev' } })
    ).json()) as {
      id: string;
    };
    let url = '';
    await until(
      async () => {
        const d = (await (await api(`deployments/${deployed.id}`)).json()) as {
          state: string;
          url: string | null;
        };
        url = d.url ?? '';
        if (d.state === 'FAILED') throw new Error('the deployment failed');
        return d.state === 'RUNNING';
      },
      90_000,
      'the app running',
    );

    await clickhouse.stop();
    for (let i = 0; i < requests; i++) expect((await fetch(`${url}/orders`)).status).toBe(200);
    const expected = requests * spansPerRequest;
    await until(() => spooledSpans(spoolDir) >= expected, 30_000, 'the spans spilled to the spool');
    expect(spooledSpans(spoolDir)).toBe(expected);
    // `cameleer-runner status` says so.
    await until(
      async () => (await telemetryStatus(stateDir))?.clickhouse === 'down',
      15_000,
      'status showing ClickHouse down',
    );
    expect((await telemetryStatus(stateDir))?.spool.rows).toBeGreaterThanOrEqual(expected);
    expect(await runnerStatusText(stateDir)).toMatch(
      /telemetry: {2}intake http:\/\/\S+, ClickHouse down\n.*stored; spool \d/,
    );

    runner?.kill('SIGKILL');
    await new Promise((resolve) => runner?.once('exit', resolve));
    await clickhouse.start();
    startRunner();

    await until(
      async () => (await storedSpans(clickhouse, tenantId)).spans >= expected,
      60_000,
      'the spans stored',
    );
    await until(() => spooledSpans(spoolDir) === 0, 30_000, 'the spool drained');
    expect(await storedSpans(clickhouse, tenantId)).toEqual({ spans: expected, unique: expected });
    await until(
      async () => {
        const status = await telemetryStatus(stateDir);
        return status?.clickhouse === 'up' && status.spool.rows === 0 && status.stored >= expected;
      },
      15_000,
      'status showing the spool replayed',
    );
  }, 240_000);
});

const execFileAsync = promisify(execFile);

/** `cameleer-runner status` (it exits non-zero while the runner is offline; the output is what counts). */
async function runnerStatusText(stateDir: string, json = false): Promise<string> {
  const args = [bin, 'status', '--state-dir', stateDir, ...(json ? ['--json'] : [])];
  try {
    return (await execFileAsync(process.execPath, args)).stdout;
  } catch (error) {
    return (error as { stdout?: string }).stdout ?? '';
  }
}

async function telemetryStatus(stateDir: string): Promise<TelemetryStatus | undefined> {
  const text = await runnerStatusText(stateDir, true);
  return text ? (JSON.parse(text) as { telemetry?: TelemetryStatus }).telemetry : undefined;
}

/** Span rows in the spool's batch files (each starts with a JSON header naming its table and rows). */
function spooledSpans(dir: string): number {
  let rows = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl.gz'));
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const text = gunzipSync(readFileSync(join(dir, name))).toString('utf8');
      const header = JSON.parse(text.slice(0, text.indexOf('\n'))) as { table: string; rows: number };
      if (header.table === 'otel_traces') rows += header.rows;
    } catch {
      // Replayed and removed while we read it.
    }
  }
  return rows;
}

async function storedSpans(clickhouse: TestClickHouse, tenantId: string) {
  const result = await clickhouse.client.query({
    query:
      'SELECT count() AS spans, uniqExact(SpanId) AS unique FROM otel_traces WHERE TenantId = {tenant:String}',
    query_params: { tenant: tenantId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ spans: string | number; unique: string | number }>();
  return { spans: Number(row?.spans ?? 0), unique: Number(row?.unique ?? 0) };
}

function hasProcessApps(stateDir: string): boolean {
  try {
    const state = JSON.parse(readFileSync(join(stateDir, 'apps', 'state.json'), 'utf8')) as {
      apps?: Record<string, unknown>;
    };
    return Object.keys(state.apps ?? {}).length > 0;
  } catch {
    return false;
  }
}
