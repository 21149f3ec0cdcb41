import type { DeployBench } from './deploy.ts';
import type { BaselineRun } from './deploy-baseline.ts';
import type { CameleerRun } from './deploy-cameleer.ts';
import { check, fmt } from './format.ts';

export const deployTargets = { deployRatio: 1.2, rebuildRatio: 0.3 };

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function deployReport(bench: DeployBench): string {
  const m = (runs: CameleerRun[], key: keyof CameleerRun) => median(runs.map((r) => r[key]));
  const b = (key: keyof BaselineRun) => median(bench.baseline.map((r) => r[key]));
  const cells = (values: Array<string | number>) =>
    values.map((v) => (typeof v === 'number' ? fmt(v, 0) : v).padStart(10)).join('');
  const keys: Array<keyof CameleerRun> = [
    'totalMs',
    'requestsMs',
    'pickupMs',
    'buildMs',
    'startMs',
    'healthyMs',
    'reportMs',
  ];
  const row = (name: string, runs: CameleerRun[]) =>
    `  ${name.padEnd(32)}${cells(keys.map((k) => m(runs, k)))}`;
  // Per round: each pair ran back to back, so drift in the machine's load hits both alike.
  const deployRatio = median(
    bench.cameleer.map((c, i) => c.totalMs / (bench.baseline[i]?.totalMs ?? Number.NaN)),
  );
  const rebuildRatios = bench.rebuild.map((r, i) => r.buildMs / (bench.first[i]?.buildMs ?? Number.NaN));
  const rebuildRatio = median(rebuildRatios);
  const warmRatio = m(bench.rebuild, 'buildMs') / m(bench.cameleer, 'buildMs');
  return [
    '',
    `Medians over ${bench.rounds} rounds (ms):`,
    `  ${'plain docker CLI'.padEnd(32)}${cells(['total', '', '', 'build', 'run', 'first 200'])}`,
    `  ${'build + run -d + port + GET'.padEnd(32)}${cells([b('totalMs'), '', '', b('buildMs'), b('runMs'), b('healthyMs')])}`,
    `  ${'cameleer'.padEnd(32)}${cells(['total', 'requests', 'pickup', 'build', 'start', 'healthy', 'report'])}`,
    row('new app, agent layer cached', bench.cameleer),
    row('first version, base image only', bench.first),
    row('next version of that app *', bench.rebuild),
    '  * healthy includes the 1 s drain and the stop of the version it replaces',
    '',
    'Ratios: the median of the per-round ratios.',
    check(
      'upload → RUNNING ratio cameleer/plain',
      fmt(deployRatio, 2),
      `≤ ${deployTargets.deployRatio}`,
      deployRatio <= deployTargets.deployRatio,
    ),
    check(
      'build ratio next/first version',
      fmt(rebuildRatio, 2),
      `≤ ${deployTargets.rebuildRatio}`,
      rebuildRatio <= deployTargets.rebuildRatio,
    ),
    `  (ratios of the medians above: ${fmt(m(bench.cameleer, 'totalMs') / b('totalMs'), 2)} and ${fmt(m(bench.rebuild, 'buildMs') / m(bench.first, 'buildMs'), 2)};`,
    `   next version's build against a new app's with the agent layer cached: ${fmt(warmRatio, 2)},`,
    '   near 1 since both build only the app layer)',
    '',
  ].join('\n');
}
