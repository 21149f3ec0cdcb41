import { check, fmt } from './format.ts';
import { benchMemoryIdle, type MemoryIdleResult, mib, totalPss, totalRss } from './memory-idle.ts';
import { recordTarget } from './targets.ts';

export { benchMemoryIdle };

export const memoryTargetMiB = 350;

/** The row is the restarted edge (what a long-running install holds); the fresh one is printed beside it. */
export function memoryIdleReport({ fresh, restarted }: MemoryIdleResult): string {
  const total = mib(totalRss(restarted));
  const met = total <= memoryTargetMiB;
  recordTarget({
    where: 'memory, embedded default, idle, 1 app',
    now: `${fmt(total, 0)} MiB`,
    target: `≤ ${memoryTargetMiB} MiB`,
    met,
  });
  const line = (name: string, m: MemoryIdleResult['fresh']) =>
    `  ${name.padEnd(10)} edge ${fmt(mib(m.edge.pssBytes), 0).padStart(5)} MiB PSS (${fmt(mib(m.edge.rssBytes), 0)} RSS)` +
    `   ClickHouse ${fmt(mib(m.clickhouse.pssBytes), 0).padStart(5)} MiB PSS (${fmt(mib(m.clickhouse.rssBytes), 0)} RSS)` +
    `   total ${fmt(mib(totalRss(m)), 0)} MiB RSS, ${fmt(mib(totalPss(m)), 0)} PSS`;
  return [
    '',
    line('fresh', fresh),
    line('restarted', restarted),
    '',
    check(
      'memory, fresh data dir (RSS)',
      `${fmt(mib(totalRss(fresh)), 0)} MiB`,
      `≤ ${memoryTargetMiB} MiB`,
      mib(totalRss(fresh)) <= memoryTargetMiB,
    ),
    check('memory, after restart (RSS)', `${fmt(total, 0)} MiB`, `≤ ${memoryTargetMiB} MiB`, met),
    '',
  ].join('\n');
}
