import { benchIntakeCore, intakeCoreReport } from './intake-memory.ts';
import { benchMemoryIdle, memoryIdleReport } from './memory-idle-report.ts';

/** `BENCH_ONLY=intake-memory`: the intake's spans per core, then the embedded default's idle memory. */
export async function intakeMemory(
  envInt: (name: string, fallback: number) => number,
  log: (line: string) => void,
): Promise<void> {
  const intakePlan = {
    spans: envInt('BENCH_INTAKE_SPANS', 200_000),
    spansPerRequest: 500,
    concurrency: 8,
    rounds: envInt('BENCH_ROUNDS', 3),
  };
  log(
    `Intake per core: ${intakePlan.rounds} rounds of ${intakePlan.spans} spans inserted by chDB in process, ` +
      `then sent to the runner intake (its own process) as OTLP protobuf, ${intakePlan.spansPerRequest} per ` +
      `request, ${intakePlan.concurrency} at a time; spans per CPU second of runner + embedded ClickHouse`,
  );
  log(intakeCoreReport(await benchIntakeCore(intakePlan, log)));
  const memoryPlan = { settleSeconds: envInt('BENCH_MEMORY_SETTLE_SECONDS', 30) };
  log(
    `Memory of the embedded default: the edge as npm start runs it, the sample app deployed, idle ` +
      `${memoryPlan.settleSeconds} s, fresh and after a restart`,
  );
  log(memoryIdleReport(await benchMemoryIdle(memoryPlan, log)));
}
