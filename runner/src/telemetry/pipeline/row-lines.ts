/** A column name ClickHouse takes unquoted: a name, or a Nested subcolumn such as `Events.Name`. */
export const columnName = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/;

export type RowLines = { columns?: readonly string[]; lines: string[]; bytes: number };

/**
 * Rows of one table as JSONCompactEachRow lines (a JSON array of values per row, in the order of
 * `columns`): half the bytes of JSONEachRow, cheaper to write and for ClickHouse to parse, as the
 * profile showed (bench/results/2026-12-profile-intake-memory.md). Every row of a table carries every
 * column (the row types have no optional keys), so the first row's keys name the columns of all;
 * a key that is not a plain column name keeps the rows in JSONEachRow.
 */
export function rowLines(rows: readonly object[]): RowLines {
  const first = rows[0];
  const columns = first ? Object.keys(first) : [];
  const compact = columns.length > 0 && columns.every((c) => columnName.test(c));
  const lines = new Array<string>(rows.length);
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    const line = compact ? `${JSON.stringify(columns.map((c) => row[c]))}\n` : `${JSON.stringify(row)}\n`;
    lines[i] = line;
    bytes += line.length;
  }
  return compact ? { columns, lines, bytes } : { lines, bytes };
}

export function sameColumns(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((c, i) => c === b[i]);
}
