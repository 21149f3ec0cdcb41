import type { Latency } from './command-latency.ts';
import { check, fmt, ms } from './format.ts';
import type { TunnelBench } from './tunnel.ts';
import type { EdgeMemory } from './tunnel-server-process.ts';

export const tunnelTargets = { ratioP50: 3, pickupP99Ms: 250, kibPerRunner: 64 };

const mib = (bytes: number) => fmt(bytes / 2 ** 20, 1);
/** What the JS side holds after a full GC: the V8 heap plus buffers and native objects it tracks. */
const retained = (m: EdgeMemory) => m.heapUsed + m.external;

export function tunnelReport({ latency, idle }: TunnelBench): string {
  const row = (name: string, l: Latency) =>
    `  ${name.padEnd(44)}${String(l.samples).padStart(8)}${ms(l.p50Ms).padStart(10)}${ms(l.p99Ms).padStart(10)}`;
  const ratio = latency.hop.p50Ms / latency.echo.p50Ms;
  const perRunner = (m: (x: EdgeMemory) => number) => (m(idle.after) - m(idle.before)) / idle.runners / 1024;
  const mem = (name: string, m: (x: EdgeMemory) => number) =>
    `  ${name.padEnd(34)}${mib(m(idle.before)).padStart(10)}${mib(m(idle.after)).padStart(10)}${fmt(perRunner(m), 1).padStart(12)}`;
  return [
    '',
    'Command round trip over loopback, sequential (ms):',
    `  ${''.padEnd(44)}${'samples'.padStart(8)}${'p50'.padStart(10)}${'p99'.padStart(10)}`,
    row(`raw ws echo (${latency.echoBytes} B JSON)`, latency.echo),
    row('no-op command: edge sends → result in *', latency.hop),
    '  informational, from the bench process unless marked:',
    row('no-op command: POST → runner sends result', latency.result),
    row('no-op command: POST → 202 answer', latency.answer),
    row('no-op command: POST → runner picks it up', latency.pickup),
    row('no-op command: created → result stored **', latency.stored),
    '  * the tunnel hop, timed inside the edge; ** the edge’s own timestamps, whole milliseconds',
    '',
    check(
      'tunnel hop p50 ratio command/echo',
      fmt(ratio, 1),
      `≤ ${tunnelTargets.ratioP50}`,
      ratio <= tunnelTargets.ratioP50,
    ),
    check(
      'pickup p99',
      `${ms(latency.pickup.p99Ms)} ms`,
      `< ${tunnelTargets.pickupP99Ms} ms`,
      latency.pickup.p99Ms < tunnelTargets.pickupP99Ms,
    ),
    '',
    `Edge memory with ${idle.runners} idle connected runners (after a full GC, MiB):`,
    `  ${''.padEnd(34)}${'before'.padStart(10)}${'after'.padStart(10)}${'KiB/runner'.padStart(12)}`,
    mem('heap used + external', retained),
    mem('rss', (m) => m.rss),
    '',
    check(
      'memory per idle runner (heap+ext)',
      `${fmt(perRunner(retained), 1)} KiB`,
      `< ${tunnelTargets.kibPerRunner} KiB`,
      perRunner(retained) < tunnelTargets.kibPerRunner,
    ),
    `  (registered in ${fmt(idle.registerSeconds, 1)} s, connected in ${fmt(idle.connectSeconds, 1)} s)`,
    '',
  ].join('\n');
}
