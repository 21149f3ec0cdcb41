import { check, fmt, ms } from './format.ts';
import type { TelemetryBench } from './telemetry.ts';

export const telemetryTargets = { intakeRatio: 0.5, queryP99Ms: 200 };

export function telemetryReport({ intake, queries }: TelemetryBench): string {
  const ratio = intake.intakeSpansPerSecond / intake.directSpansPerSecond;
  return [
    '',
    'Medians over rounds:',
    `  direct insert             ${fmt(intake.directSpansPerSecond, 0).padStart(10)} spans/s`,
    `  through the runner intake ${fmt(intake.intakeSpansPerSecond, 0).padStart(10)} spans/s`,
    `  queries over ${queries.spans.toLocaleString('en')} spans (loaded in ${fmt(queries.loadSeconds, 0)} s):`,
    `  trace list  p50 ${ms(queries.traceList.p50Ms)} ms  p99 ${ms(queries.traceList.p99Ms)} ms`,
    `  topology    p50 ${ms(queries.topology.p50Ms)} ms  p99 ${ms(queries.topology.p99Ms)} ms`,
    '',
    check(
      'intake/direct throughput',
      fmt(ratio, 2),
      `≥ ${telemetryTargets.intakeRatio}`,
      ratio >= telemetryTargets.intakeRatio,
    ),
    check(
      'trace list p99',
      ms(queries.traceList.p99Ms),
      `< ${telemetryTargets.queryP99Ms} ms`,
      queries.traceList.p99Ms < telemetryTargets.queryP99Ms,
    ),
    check(
      'topology p99',
      ms(queries.topology.p99Ms),
      `< ${telemetryTargets.queryP99Ms} ms`,
      queries.topology.p99Ms < telemetryTargets.queryP99Ms,
    ),
    '',
  ].join('\n');
}
