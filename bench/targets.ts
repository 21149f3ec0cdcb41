/** One row of the "where people wait" table (issue 17): measured now, its target, met or not. */
export type TargetRow = { where: string; now: string; target: string; met: boolean };

const rows: TargetRow[] = [];

/** Parts of `npm run bench` record their rows here as they run; `run.ts` prints them together at the end. */
export function recordTarget(row: TargetRow): TargetRow {
  rows.push(row);
  return row;
}

export function recordedTargets(): readonly TargetRow[] {
  return rows;
}

export function targetsTable(list: readonly TargetRow[]): string {
  if (list.length === 0) return '';
  const met = list.filter((r) => r.met).length;
  const width = Math.max(...list.map((r) => r.where.length)) + 2;
  return [
    '',
    `Where people wait: ${met} of ${list.length} targets met`,
    ...list.map((r) => row(r, width)),
    '',
  ].join('\n');
}

/** Like `check` (format.ts), with the first column as wide as the longest row's: these names are long. */
function row(r: TargetRow, width: number): string {
  return `  ${r.where.padEnd(width)}${r.now.padStart(14)}   target ${r.target.padEnd(22)} ${r.met ? 'MET' : 'NOT MET'}`;
}
