/**
 * Spans per CPU second through the runner's intake into the embedded ClickHouse, against chDB's own
 * in-process insert of the same rows (the pipeline's encoding as raw bytes into `Session.insert`, its
 * batch size and dedup settings, no HTTP). The intake runs in a process of its own
 * (`intake-memory-runner.ts`); its CPU time plus the chDB server's is what a round costs. Rounds
 * alternate baseline and intake, each under its own tenant, and end when ClickHouse holds every span.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateSigningKeyJwk, importSigningKey } from '@cameleer/shared';
import { createClient } from '@clickhouse/client';
import { drainPending, Session } from 'chdb';
import { loadClickHouseMigrations } from '../edge/src/node/clickhouse-migrations.ts';
import { signAgentSession } from '../edge/src/services/agent-tokens.ts';
import { migrationStatements } from '../edge/src/telemetry/clickhouse-migrate.ts';
import { decodeOtlp } from '../runner/src/telemetry/otlp/decode.ts';
import { rowLines } from '../runner/src/telemetry/pipeline/row-lines.ts';
import { processUsage } from './process-usage.ts';
import { benchScope, count, median, otlpBodies, sendAll } from './telemetry-intake.ts';

export type IntakeCorePlan = { spans: number; spansPerRequest: number; concurrency: number; rounds: number };
/** Spans per second of wall time and per CPU second (all cores the work used, summed). */
export type Rate = { wall: number; perCpuSecond: number };
export type IntakeCoreResult = {
  inProcess: Rate;
  intake: Rate;
  intakeCpuShare: { runner: number; clickhouse: number };
};

const runnerEntry = fileURLToPath(new URL('./intake-memory-runner.ts', import.meta.url));
const batchRows = 50_000;

export async function benchIntakePerCore(
  clickhouse: { url: string; pid: number },
  plan: IntakeCorePlan,
  log: (line: string) => void,
): Promise<IntakeCoreResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-intake-core-'));
  const key = await importSigningKey(await generateSigningKeyJwk());
  const client = createClient({ url: clickhouse.url });
  const session = new Session(join(workDir, 'chdb'));
  const runner = await startRunner(clickhouse.url, join(workDir, 'runner'), JSON.stringify(key.publicJwk));
  const bodies = otlpBodies(plan);
  const inProcess: Rate[] = [];
  const intake: Rate[] = [];
  const shares: { runner: number; clickhouse: number }[] = [];
  try {
    for (const m of loadClickHouseMigrations()) for (const s of migrationStatements(m.sql)) session.query(s);
    for (let round = 0; round < plan.rounds; round++) {
      const direct = benchScope(`ten_binproc${round}`);
      const rows = bodies.flatMap((b) => decodeOtlp('traces', 'protobuf', b, direct).otel_traces ?? []);
      // The pipeline's own encoding, so the baseline is the engine's cost of the very bytes it is sent.
      const { columns, lines } = rowLines(rows);
      const batches: Buffer[] = [];
      for (let i = 0; i < lines.length; i += batchRows) {
        batches.push(Buffer.from(lines.slice(i, i + batchRows).join('')));
      }
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (const values of batches) {
        await session.insert({
          table: 'otel_traces',
          values,
          format: columns ? 'JSONCompactEachRow' : 'JSONEachRow',
          ...(columns ? { columns } : {}),
          settings: {
            insert_deduplication_token: randomUUID(),
            deduplicate_blocks_in_dependent_materialized_views: 1,
          },
        });
      }
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const stored = Number(
        session.query(`SELECT count() FROM otel_traces WHERE TenantId = '${direct.tenantId}'`, 'CSV').trim(),
      );
      if (stored !== plan.spans) throw new Error(`in-process: expected ${plan.spans} spans, found ${stored}`);
      inProcess.push({ wall: plan.spans / wall, perCpuSecond: plan.spans / ((cpu.user + cpu.system) / 1e6) });

      const scope = benchScope(`ten_bintakecore${round}`);
      const token = await signAgentSession(key, scope, new Date(), 3600);
      const r0 = await processUsage(runner.pid);
      const c0 = await processUsage(clickhouse.pid);
      const t1 = performance.now();
      await sendAll(runner.url, token, bodies, plan.concurrency);
      await runner.drain();
      const wall1 = (performance.now() - t1) / 1000;
      const r1 = await processUsage(runner.pid);
      const c1 = await processUsage(clickhouse.pid);
      const n = await count(client, scope);
      if (n !== plan.spans) throw new Error(`intake: expected ${plan.spans} spans, found ${n}`);
      const runnerS = (r1.cpuMs - r0.cpuMs) / 1000;
      const clickhouseS = (c1.cpuMs - c0.cpuMs) / 1000;
      intake.push({ wall: plan.spans / wall1, perCpuSecond: plan.spans / (runnerS + clickhouseS) });
      shares.push({ runner: runnerS, clickhouse: clickhouseS });
      log(
        `  round ${round + 1}: in-process ${rate(inProcess.at(-1))}; intake ${rate(intake.at(-1))} ` +
          `(CPU s: runner ${runnerS.toFixed(2)}, ClickHouse ${clickhouseS.toFixed(2)})`,
      );
    }
  } finally {
    await runner.stop();
    session.close();
    await drainPending();
    await client.close();
    await rm(workDir, { recursive: true, force: true });
  }
  return {
    inProcess: medianRate(inProcess),
    intake: medianRate(intake),
    intakeCpuShare: {
      runner: median(shares.map((s) => s.runner)),
      clickhouse: median(shares.map((s) => s.clickhouse)),
    },
  };
}

const rate = (r: Rate | undefined) =>
  r ? `${Math.round(r.wall)} spans/s wall, ${Math.round(r.perCpuSecond)} per CPU s` : '-';
const medianRate = (rs: Rate[]): Rate => ({
  wall: median(rs.map((r) => r.wall)),
  perCpuSecond: median(rs.map((r) => r.perCpuSecond)),
});

type Runner = { url: string; pid: number; drain(): Promise<void>; stop(): Promise<void> };

async function startRunner(clickhouseUrl: string, stateDir: string, publicJwk: string): Promise<Runner> {
  const child = spawn(process.execPath, [...benchNodeArgs(), '--import', 'tsx', runnerEntry], {
    env: { ...process.env, CLICKHOUSE_URL: clickhouseUrl, STATE_DIR: stateDir, AGENT_PUBLIC_JWK: publicJwk },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = JSON.parse(await nextLine(lines, child, 60_000)) as { url: string; pid: number };
  return {
    ...ready,
    async drain() {
      child.stdin?.write('drain\n');
      const answer = await nextLine(lines, child, 120_000);
      if (answer !== 'drained') throw new Error(`the intake runner: ${answer}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
      }),
  };
}

/** Node flags for the runner process, e.g. `--cpu-prof` to profile it (BENCH_INTAKE_NODE_ARGS). */
function benchNodeArgs(): string[] {
  return (process.env.BENCH_INTAKE_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

function nextLine(lines: Interface, child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(() => reject(new Error('the intake runner did not answer'))),
      timeoutMs,
    );
    const onLine = (line: string) => finish(() => resolve(line));
    const onExit = (code: number | null) =>
      finish(() => reject(new Error(`the intake runner exited (${code})`)));
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      fn();
    };
    lines.once('line', onLine);
    child.once('exit', onExit);
  });
}
