/**
 * `BENCH_ONLY=intake-memory`, two rows of issue 17: spans per CPU second through the runner's intake
 * into the embedded ClickHouse against chDB's own in-process insert, and the memory of the embedded
 * default (edge + embedded ClickHouse) idle with one app deployed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { spawnChdbServer } from '../edge/src/node/chdb-process.ts';
import { loadClickHouseMigrations } from '../edge/src/node/clickhouse-migrations.ts';
import { migrateClickHouse } from '../edge/src/telemetry/clickhouse-migrate.ts';
import { check, fmt } from './format.ts';
import {
  benchIntakePerCore,
  type IntakeCorePlan,
  type IntakeCoreResult,
} from './intake-memory-throughput.ts';
import { recordTarget } from './targets.ts';

export const intakeTargets = { spansPerCoreSecond: 100_000, ofInProcess: 0.8 };

export async function benchIntakeCore(
  plan: IntakeCorePlan,
  log: (line: string) => void,
): Promise<IntakeCoreResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-intake-memory-'));
  const server = await spawnChdbServer(join(dataDir, 'clickhouse'));
  try {
    const client = createClient({ url: server.url });
    await migrateClickHouse(client, loadClickHouseMigrations()).finally(() => client.close());
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the embedded ClickHouse has no pid');
    return await benchIntakePerCore({ url: server.url, pid }, plan, log);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function intakeCoreReport({ inProcess, intake, intakeCpuShare }: IntakeCoreResult): string {
  const ratio = intake.perCpuSecond / inProcess.perCpuSecond;
  const perCoreMet = intake.perCpuSecond >= intakeTargets.spansPerCoreSecond;
  const ratioMet = ratio >= intakeTargets.ofInProcess;
  recordTarget({
    where: 'intake spans/s per core',
    now: `${fmt(intake.perCpuSecond / 1000, 1)}k, ${fmt(ratio, 2)} of chDB`,
    target: `≥ 100k, ≥ ${intakeTargets.ofInProcess}`,
    met: perCoreMet && ratioMet,
  });
  const cpu = intakeCpuShare.runner + intakeCpuShare.clickhouse;
  return [
    '',
    'Medians over rounds:',
    `  chDB in-process insert    ${fmt(inProcess.wall, 0).padStart(10)} spans/s wall ${fmt(inProcess.perCpuSecond, 0).padStart(10)} spans per CPU s`,
    `  through the runner intake ${fmt(intake.wall, 0).padStart(10)} spans/s wall ${fmt(intake.perCpuSecond, 0).padStart(10)} spans per CPU s`,
    `  intake CPU: runner ${fmt((100 * intakeCpuShare.runner) / cpu, 0)} %, ClickHouse ${fmt((100 * intakeCpuShare.clickhouse) / cpu, 0)} %`,
    '',
    check('intake spans per CPU second', fmt(intake.perCpuSecond, 0), '≥ 100000', perCoreMet),
    check('intake / in-process (per CPU s)', fmt(ratio, 2), `≥ ${intakeTargets.ofInProcess}`, ratioMet),
    '',
  ].join('\n');
}
