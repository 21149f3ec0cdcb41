import { check, fmt, ms } from './format.ts';
import type { HotPathsBench } from './hot-paths.ts';
import { recordTarget } from './targets.ts';

export const hotPathTargets = { forwardAuthRatio: 0.9, addedUs: 10, answerP50Ms: 5, hopRatio: 3 };

/** The detailed lines of the hot-paths part; records its three rows of the issue 17 table as it goes. */
export function hotPathsReport({ forwardAuth, replaySafe, durable, load }: HotPathsBench): string {
  const { bare, verify } = forwardAuth;
  const ratio = verify.requestsPerSecond / bare.requestsPerSecond;
  // At saturation each request costs the server 1/rps of a second; the difference is what verify adds.
  const addedUs = 1e6 / verify.requestsPerSecond - 1e6 / bare.requestsPerSecond;
  const faMet = ratio >= hotPathTargets.forwardAuthRatio && addedUs <= hotPathTargets.addedUs;
  const answer = replaySafe.answer.p50Ms;
  const hopRatio = replaySafe.hop.p50Ms / replaySafe.echo.p50Ms;
  const durableRatio = durable.hop.p50Ms / durable.echo.p50Ms;
  recordTarget({
    where: 'ForwardAuth verify/bare',
    now: `${fmt(ratio, 2)}, ${fmt(addedUs, 1)} µs`,
    target: `≥ ${hotPathTargets.forwardAuthRatio}, ≤ ${hotPathTargets.addedUs} µs`,
    met: faMet,
  });
  recordTarget({
    where: 'POST …/commands → 202 p50',
    now: `${ms(answer)} ms`,
    target: `≤ ${hotPathTargets.answerP50Ms} ms`,
    met: answer <= hotPathTargets.answerP50Ms,
  });
  recordTarget({
    where: 'tunnel hop / ws echo, read command',
    now: fmt(hopRatio, 1),
    target: `≤ ${hotPathTargets.hopRatio}`,
    met: hopRatio <= hotPathTargets.hopRatio,
  });
  const row = (name: string, p50: number, p99: number) =>
    `  ${name.padEnd(48)}${ms(p50).padStart(10)}${ms(p99).padStart(10)}`;
  return [
    '',
    `Hot paths (1-minute load average ${fmt(load.before, 1)} before, ${fmt(load.after, 1)} after):`,
    `  ForwardAuth: bare ${fmt(bare.requestsPerSecond, 0)} req/s, verify ${fmt(verify.requestsPerSecond, 0)} req/s`,
    check(
      'ForwardAuth throughput verify/bare',
      fmt(ratio, 2),
      `≥ ${hotPathTargets.forwardAuthRatio}`,
      ratio >= 0.9,
    ),
    check(
      'ForwardAuth server time added',
      `${fmt(addedUs, 1)} µs`,
      `≤ ${hotPathTargets.addedUs} µs`,
      addedUs <= 10,
    ),
    '',
    `  ${''.padEnd(48)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`,
    row('raw ws echo (before the read commands)', replaySafe.echo.p50Ms, replaySafe.echo.p99Ms),
    row('read command (noop): POST → 202', replaySafe.answer.p50Ms, replaySafe.answer.p99Ms),
    row('read command (noop): tunnel hop, edge clock', replaySafe.hop.p50Ms, replaySafe.hop.p99Ms),
    row('raw ws echo (before the durable commands)', durable.echo.p50Ms, durable.echo.p99Ms),
    row('durable command (echo): POST → 202', durable.answer.p50Ms, durable.answer.p99Ms),
    row('durable command (echo): tunnel hop, edge clock', durable.hop.p50Ms, durable.hop.p99Ms),
    '',
    check(
      'POST …/commands → 202 p50',
      `${ms(answer)} ms`,
      `≤ ${hotPathTargets.answerP50Ms} ms`,
      answer <= hotPathTargets.answerP50Ms,
    ),
    check(
      'tunnel hop / echo, read command',
      fmt(hopRatio, 1),
      `≤ ${hotPathTargets.hopRatio}`,
      hopRatio <= hotPathTargets.hopRatio,
    ),
    `  tunnel hop / echo, durable command (fsynced journal, like deploy): ${fmt(durableRatio, 1)} (no target)`,
    '',
  ].join('\n');
}
