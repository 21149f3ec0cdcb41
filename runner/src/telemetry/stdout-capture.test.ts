/**
 * Stdout capture against the process orchestrator running the real sample app: lines arrive as
 * rows owned by the deployment's scope with their levels and trace ids, and a restarted capture
 * resumes after the last delivered line, with no line twice and none skipped.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import type { AppRef, Instance } from '../orchestrators/orchestrator.ts';
import { ProcessOrchestrator } from '../orchestrators/process/index.ts';
import type { LogRow, RowsByTable, TelemetryScope } from './rows.ts';
import { startStdoutCapture } from './stdout-capture.ts';

const ref: AppRef = { tenant: 'acme', environment: 'dev', app: 'orders' };
const scope: TelemetryScope = {
  tenantId: 'ten_acme',
  environment: 'dev',
  app: 'orders',
  deploymentId: 'dep_capture1',
  retentionDays: 7,
};

let stateDir: string;
let orchestrator: ProcessOrchestrator;
let instance: Instance;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'cameleer-stdout-'));
  orchestrator = await ProcessOrchestrator.open({ stateDir, stopGraceMs: 2_000, drainMs: 200 });
  instance = await orchestrator.deploy(
    {
      ref,
      deploymentId: scope.deploymentId,
      version: '7.0.0',
      jarPath: await buildSampleJar({ version: '7.0.0' }),
      agentPath: await buildTestAgentJar(),
      env: {},
      resources: { memoryMb: 256, cpus: 1, pids: 100 },
      writeableVolumes: [],
      healthCheck: { httpPath: '/health', timeoutSeconds: 20 },
      private: false,
    },
    () => undefined,
  );
}, 120_000);

afterAll(async () => {
  await orchestrator?.remove(ref);
  await orchestrator?.close();
  await rm(stateDir, { recursive: true, force: true });
});

function recordingSink() {
  const rows: LogRow[] = [];
  let refuse = 0;
  return {
    rows,
    /** Refuses the next `n` batches, as a full spool does. */
    refuseNext(n: number) {
      refuse = n;
    },
    accept(batch: RowsByTable) {
      if (refuse > 0) {
        refuse--;
        return { ok: false };
      }
      rows.push(...(batch.otel_logs ?? []));
      return { ok: true };
    },
  };
}

/** Whether a stored body is this line of the output file, less the time and level it started with. */
function isLineOf(line: string, body: string): boolean {
  const note = '[cameleer] ';
  return body.startsWith(note)
    ? line.startsWith(note) && line.endsWith(body.slice(note.length))
    : line.endsWith(body);
}

/** The instance's output file, as the process orchestrator writes it. */
const logPath = () => join(stateDir, 'apps', 'acme', 'dev', 'orders', `${instance.id}.log`);

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

const capture = (sink: ReturnType<typeof recordingSink>, scopes = new Map([[scope.deploymentId, scope]])) =>
  startStdoutCapture({
    orchestrator,
    scopeOf: (id) => scopes.get(id),
    sink,
    stateDir,
    pollMs: 100,
    flushMs: 50,
  });

describe('stdout capture', { timeout: 60_000 }, () => {
  it('captures lines attributed to the deployment, with levels and trace ids, and resumes without repeats', async () => {
    const sink = recordingSink();
    const first = await capture(sink);
    await waitFor(() => sink.rows.some((r) => r.Body.includes('started on port')));

    const ok = await (await fetch(`${instance.url}/orders`)).text();
    const failed = await (await fetch(`${instance.url}/orders?fail=true`)).text();
    const okTrace = /trace_id=([0-9a-f]{32})/.exec(ok)?.[1];
    const failedTrace = /trace_id=([0-9a-f]{32})/.exec(failed)?.[1];
    await waitFor(() => sink.rows.some((r) => r.TraceId === failedTrace));

    const agent = sink.rows.find((r) => r.Body === 'cameleer-agent attached');
    expect(agent).toMatchObject({
      TenantId: 'ten_acme',
      Environment: 'dev',
      App: 'orders',
      DeploymentId: 'dep_capture1',
      RetentionDays: 7,
      ServiceName: 'orders',
      ScopeName: 'cameleer.stdout',
      SeverityText: '',
      SeverityNumber: 0,
    });
    expect(agent?.ResourceAttributes['service.instance.id']).toBe(instance.id);
    const started = sink.rows.find((r) => r.Body.includes('started on port'));
    expect(started).toMatchObject({ SeverityText: 'INFO', SeverityNumber: 9, TraceId: '' });
    // The app's own timestamp and level lead the line and become the row's; the body says them no more.
    const raw = (await readFile(logPath(), 'utf8')).split('\n').find((l) => l.includes('started on port'));
    expect(started?.Timestamp.slice(0, 19).replace(' ', 'T')).toBe(raw?.slice(0, 19));
    expect(raw).toMatch(/^\d{4}-\d\d-\d\dT\S+Z INFO sample-app /);
    expect(started?.Body).toBe(raw?.replace(/^\S+ INFO /, ''));
    const okRow = sink.rows.find((r) => r.TraceId === okTrace);
    expect(okRow).toMatchObject({ SeverityText: 'INFO', SeverityNumber: 9 });
    expect(okRow?.SpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(sink.rows.find((r) => r.TraceId === failedTrace)).toMatchObject({
      SeverityText: 'ERROR',
      SeverityNumber: 17,
    });

    // Stopped mid-run: lines written meanwhile are read by the next capture, those delivered are not.
    await first.stop();
    const cursors = JSON.parse(await readFile(join(stateDir, 'telemetry', 'stdout-cursors.json'), 'utf8'));
    expect(cursors.instances[instance.id].deploymentId).toBe('dep_capture1');
    await fetch(`${instance.url}/orders?while=stopped`);
    const second = await capture(sink);
    // A full spool first: the lines wait, nothing is lost.
    sink.refuseNext(3);
    await fetch(`${instance.url}/orders?after=restart`);
    await waitFor(() => sink.rows.some((r) => r.Body.includes('after=restart')));
    await second.stop();
    expect(second.stats().pushedBack).toBeGreaterThan(0);

    const bodies = sink.rows.map((r) => r.Body);
    expect(bodies.filter((b) => b.includes('while=stopped'))).toHaveLength(1);
    expect(new Set(bodies).size).toBe(bodies.length);
    const log = await readFile(logPath(), 'utf8');
    // Every line of the instance's output, in order, exactly once (less the timestamp and level it starts with).
    const lines = log.split('\n').slice(0, bodies.length);
    expect(lines).toHaveLength(bodies.length);
    lines.forEach((line, i) => {
      expect(isLineOf(line, bodies[i] ?? '\0'), `${line} | ${bodies[i]}`).toBe(true);
    });
  });

  it('leaves alone instances whose deployment has no scope', async () => {
    const sink = recordingSink();
    const none = await capture(sink, new Map());
    await sleep(500);
    await none.stop();
    expect(sink.rows).toHaveLength(0);
  });
});
