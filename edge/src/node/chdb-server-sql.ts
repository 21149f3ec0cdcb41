/**
 * Just enough reading of ClickHouse SQL for the chDB HTTP shim to route a request the way the
 * server would: what kind of statement it is, whether it is an `INSERT … FORMAT` whose rows
 * follow, its trailing `FORMAT`, and whether the text holds more than one statement (the server
 * refuses multi-statements; chDB would run them, and code tested on chDB must not rely on that).
 */

/** The text with comments blanked and string/identifier literals kept, plus top-level `;` positions. */
function scan(sql: string): { code: string; semicolons: number[] } {
  let code = '';
  const semicolons: number[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if ((c === '-' && next === '-') || c === '#') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      code += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      code += ' '.repeat(stop - i);
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' ? 2 : 1;
      const stop = Math.min(j + 1, sql.length);
      code += sql.slice(i, stop);
      i = stop;
    } else {
      if (c === ';') semicolons.push(i);
      code += c;
      i += 1;
    }
  }
  return { code, semicolons };
}

/** True when a `;` is followed by anything but whitespace and comments. */
export function hasMultipleStatements(sql: string): boolean {
  const { code, semicolons } = scan(sql);
  return semicolons.some((at) => code.slice(at + 1).trim() !== '');
}

/** The statement without trailing `;`s and whitespace. */
export function withoutTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** The first keyword, upper case (`SELECT`, `WITH`, `INSERT`, `CREATE`, …), skipping comments and `(`. */
export function leadingKeyword(sql: string): string {
  return /^[\s(]*([A-Za-z]+)/.exec(scan(sql).code)?.[1]?.toUpperCase() ?? '';
}

/** Statements that only read, as the server allows them over GET and with a SETTINGS clause. */
export function isReadOnly(sql: string): boolean {
  return ['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN'].includes(leadingKeyword(sql));
}

/** The format named by a trailing `FORMAT x`, and the statement before it. */
export function splitTrailingFormat(sql: string): { body: string; format: string | undefined } {
  const trimmed = withoutTrailingSemicolons(sql);
  const match = /\sFORMAT\s+([A-Za-z0-9_]+)$/i.exec(scan(trimmed).code);
  if (!match) return { body: trimmed, format: undefined };
  return { body: trimmed.slice(0, match.index), format: match[1] };
}

export type InsertWithData = {
  /** `db.table` or `table`, as written (may be quoted). */
  table: string;
  /** The column list as written, without parentheses, or undefined. */
  columns: string | undefined;
  format: string;
};

/** `INSERT INTO t [(cols)] FORMAT F` with nothing after it: the rows come in the request body. */
export function parseInsertWithData(sql: string): InsertWithData | undefined {
  const { code } = scan(withoutTrailingSemicolons(sql));
  const match =
    /^\s*INSERT\s+INTO\s+(?:TABLE\s+)?((?:`[^`]+`|"[^"]+"|[A-Za-z0-9_]+)(?:\.(?:`[^`]+`|"[^"]+"|[A-Za-z0-9_]+))?)\s*(?:\(([\s\S]*)\))?\s*FORMAT\s+([A-Za-z0-9_]+)\s*$/i.exec(
      code,
    );
  if (!match) return undefined;
  return { table: match[1] as string, columns: match[2]?.trim(), format: match[3] as string };
}
