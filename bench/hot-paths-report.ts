import { availableParallelism } from 'node:os';
import { check, fmt, ms } from './format.ts';
import type { HotPathsBench } from './hot-paths.ts';
import { recordTarget } from './targets.ts';

export const hotPathTargets = { forwardAuthRatio: 0.9, addedUs: 10, answerP50Ms: 5, hopRatio: 3 };

/**
 * The detailed lines of the hot-paths part; records its three rows of the issue 17 table as it goes.
 * ForwardAuth is judged on the server's CPU time per request (what throughput at saturation is the
 * inverse of on a quiet machine), since requests per second swing with the neighbours' load.
 */
export function hotPathsReport(bench: HotPathsBench): string {
  const { forwardAuth, forwardAuthCpu: cpu, replaySafe, durable, writes, load, signatureCheckMs } = bench;
  const { bare, verify } = forwardAuth;
  const cpuRatio = cpu.bare / cpu.verify;
  const cpuAddedUs = cpu.verify - cpu.bare;
  const rpsRatio = verify.requestsPerSecond / bare.requestsPerSecond;
  const rpsAddedUs = 1e6 / verify.requestsPerSecond - 1e6 / bare.requestsPerSecond;
  const ratioMet = cpuRatio >= hotPathTargets.forwardAuthRatio;
  const addedMet = cpuAddedUs <= hotPathTargets.addedUs;
  const answerMet = writes.p50Ms <= hotPathTargets.answerP50Ms;
  const hopRatio = replaySafe.hop.p50Ms / replaySafe.echo.p50Ms;
  const hopMet = hopRatio <= hotPathTargets.hopRatio;
  const durableRatio = durable.hop.p50Ms / durable.echo.p50Ms;
  recordTarget({
    where: 'ForwardAuth verify/bare (CPU)',
    now: `${fmt(cpuRatio, 2)}, ${fmt(cpuAddedUs, 1)} µs`,
    target: `≥ ${hotPathTargets.forwardAuthRatio}, ≤ ${hotPathTargets.addedUs} µs`,
    met: ratioMet && addedMet,
  });
  recordTarget({
    where: 'POST …/commands → 202 p50',
    now: `${ms(writes.p50Ms)} ms`,
    target: `≤ ${hotPathTargets.answerP50Ms} ms`,
    met: answerMet,
  });
  recordTarget({
    where: 'tunnel hop / ws echo, read command',
    now: fmt(hopRatio, 1),
    target: `≤ ${hotPathTargets.hopRatio}`,
    met: hopMet,
  });
  const row = (name: string, p50: number, p99: number) =>
    `  ${name.padEnd(48)}${ms(p50).padStart(10)}${ms(p99).padStart(10)}`;
  return [
    '',
    `Hot paths (1-minute load average ${fmt(load.before, 1)} before, ${fmt(load.after, 1)} after, on ${availableParallelism()} cores):`,
    `  ForwardAuth, server CPU per request (median of rounds): bare ${fmt(cpu.bare, 1)} µs, verify ${fmt(cpu.verify, 1)} µs`,
    `  ForwardAuth, throughput: bare ${fmt(bare.requestsPerSecond, 0)} req/s, verify ${fmt(verify.requestsPerSecond, 0)} req/s ` +
      `(ratio ${fmt(rpsRatio, 2)}, ${fmt(rpsAddedUs, 1)} µs added; swings with the machine's load)`,
    check(
      'ForwardAuth CPU ratio bare/verify',
      fmt(cpuRatio, 2),
      `≥ ${hotPathTargets.forwardAuthRatio}`,
      ratioMet,
    ),
    check(
      'ForwardAuth server CPU added',
      `${fmt(cpuAddedUs, 1)} µs`,
      `≤ ${hotPathTargets.addedUs} µs`,
      addedMet,
    ),
    '',
    `  ${''.padEnd(48)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`,
    row('POST …/commands → 202, runner offline', writes.p50Ms, writes.p99Ms),
    `    (edge CPU per POST: ${ms(writes.cpuPerPostMs)} ms, ${writes.samples} sequential writes)`,
    row('raw ws echo (before the read commands)', replaySafe.echo.p50Ms, replaySafe.echo.p99Ms),
    row('read command (noop): POST → 202, runner online', replaySafe.answer.p50Ms, replaySafe.answer.p99Ms),
    row('read command (noop): tunnel hop, edge clock', replaySafe.hop.p50Ms, replaySafe.hop.p99Ms),
    `    (runner's Ed25519 check of one command token: ${ms(signatureCheckMs)} ms = ${fmt(signatureCheckMs / replaySafe.echo.p50Ms, 1)} × the echo; ` +
      `a hop holds at least one, plus two ws frames and two journal writes)`,
    row('raw ws echo (before the durable commands)', durable.echo.p50Ms, durable.echo.p99Ms),
    row('durable command (echo): POST → 202', durable.answer.p50Ms, durable.answer.p99Ms),
    row('durable command (echo): tunnel hop, edge clock', durable.hop.p50Ms, durable.hop.p99Ms),
    '',
    check(
      'POST …/commands → 202 p50',
      `${ms(writes.p50Ms)} ms`,
      `≤ ${hotPathTargets.answerP50Ms} ms`,
      answerMet,
    ),
    check('tunnel hop / echo, read command', fmt(hopRatio, 1), `≤ ${hotPathTargets.hopRatio}`, hopMet),
    `  tunnel hop / echo, durable command (fsynced journal, like deploy): ${fmt(durableRatio, 1)} (no target)`,
    '',
  ].join('\n');
}
