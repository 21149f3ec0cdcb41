import { check, fmt, ms } from './format.ts';
import type { WorkersBench } from './workers.ts';

export const workersTargets = { verifyRatio: 0.8, bundleKiB: 1024 };

const kib = (bytes: number) => bytes / 1024;

export function workersReport({ bundle, forwardAuth, roundTrip, idle }: WorkersBench): string {
  const { bare, verify } = forwardAuth;
  const ratio = verify.requestsPerSecond / bare.requestsPerSecond;
  const row = (name: string, a: string, b: string, c: string, d = '') =>
    `  ${name.padEnd(34)}${a.padStart(10)}${b.padStart(10)}${c.padStart(10)}${d ? d.padStart(14) : ''}`;
  const rssPerRunner = (idle.rssAfterBytes - idle.rssBeforeBytes) / idle.runners;
  const cpuPerRunner = (idle.cpuWithMs - idle.cpuWithoutMs) / idle.runners;
  return [
    '',
    `Worker bundle (${bundle.files} module(s), wrangler deploy --dry-run): ${fmt(kib(bundle.rawBytes), 0)} KiB raw`,
    check(
      'gzipped',
      `${fmt(kib(bundle.gzipBytes), 0)} KiB`,
      `< ${workersTargets.bundleKiB} KiB`,
      kib(bundle.gzipBytes) < workersTargets.bundleKiB,
    ),
    '',
    'ForwardAuth in workerd, medians over rounds (ms from every response):',
    row('', 'req/s', 'p50 ms', 'p99 ms'),
    row('bare (GET /__bench/bare)', fmt(bare.requestsPerSecond, 0), ms(bare.p50Ms), ms(bare.p99Ms)),
    row('verify (GET /auth/verify)', fmt(verify.requestsPerSecond, 0), ms(verify.p50Ms), ms(verify.p99Ms)),
    check(
      'throughput ratio verify/bare',
      fmt(ratio, 2),
      `≥ ${workersTargets.verifyRatio}`,
      ratio >= workersTargets.verifyRatio,
    ),
    '',
    'Command round trip, POST → runner sends the result (no-op, one at a time):',
    row('', 'samples', 'p50 ms', 'p95 ms', 'POST→202 p50'),
    row(
      'Workers (Durable Object hub)',
      String(roundTrip.workers.samples),
      ms(roundTrip.workers.p50Ms),
      ms(roundTrip.workers.p95Ms),
      ms(roundTrip.workers.answerP50Ms),
    ),
    row(
      'Node (in-process hub)',
      String(roundTrip.node.samples),
      ms(roundTrip.node.p50Ms),
      ms(roundTrip.node.p95Ms),
      ms(roundTrip.node.answerP50Ms),
    ),
    `  ratio Workers/Node: p50 ${fmt(roundTrip.workers.p50Ms / roundTrip.node.p50Ms, 2)}, ` +
      `p95 ${fmt(roundTrip.workers.p95Ms / roundTrip.node.p95Ms, 2)} (informational)`,
    '',
    `Idle connected runners (${idle.runners}), the local workerd process as Linux sees it — an approximation, not Cloudflare's billing:`,
    `  rss ${fmt(idle.rssBeforeBytes / 2 ** 20, 1)} → ${fmt(idle.rssAfterBytes / 2 ** 20, 1)} MiB: ` +
      `${fmt(kib(rssPerRunner), 0)} KiB per runner`,
    `  cpu over ${idle.windowSeconds} s idle: ${fmt(idle.cpuWithoutMs, 0)} ms without, ${fmt(idle.cpuWithMs, 0)} ms with: ` +
      `${fmt(cpuPerRunner, 1)} ms per runner (${fmt(cpuPerRunner / idle.windowSeconds, 2)} ms/s)` +
      // /proc counts CPU time in 10 ms ticks: a difference of a tick or two is no difference.
      (Math.abs(idle.cpuWithMs - idle.cpuWithoutMs) <= 20 ? ', within the 10 ms resolution of /proc' : ''),
    '',
  ].join('\n');
}
