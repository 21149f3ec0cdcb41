/**
 * Query parameters as the ClickHouse HTTP interface receives them (`param_x=<Escaped text>`),
 * handed to chDB so the engine reads the same value a server would.
 *
 * chDB's binder takes raw JS strings and TSV-escapes them itself, so the wire text must first be
 * brought back to what it escapes: scalars are unescaped; in composites (Array, Map, Tuple) the
 * quoted strings are unescaped except for `'`, which is doubled (ClickHouse reads `''` as a
 * quote, and chDB's escaping cannot produce the `\'` the client sent).
 */

const escapes: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
  e: '\x1b',
};

function unescapeAt(text: string, i: number): { char: string; next: number } {
  const c = text[i + 1] ?? '';
  if (c === 'x' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 2, i + 4))) {
    return { char: String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 4), 16)), next: i + 4 };
  }
  return { char: escapes[c] ?? c, next: i + 2 };
}

/** Escaped (TSV) text to the raw string it stands for. */
export function unescapeTsv(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\\' && i + 1 < text.length) {
      const { char, next } = unescapeAt(text, i);
      out += char;
      i = next;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

/** A composite literal with its quoted strings unescaped and their quotes doubled. */
function requoteComposite(text: string): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (!inString) {
      if (c === "'") inString = true;
      out += c;
      i += 1;
    } else if (c === '\\' && i + 1 < text.length) {
      const { char, next } = unescapeAt(text, i);
      out += char === "'" ? "''" : char;
      i = next;
    } else if (c === "'" && text[i + 1] === "'") {
      out += "''";
      i += 2;
    } else {
      if (c === "'") inString = false;
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The declared type of each `{name:Type}` placeholder in the statement. */
export function placeholderTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g)) {
    types.set(m[1] as string, m[2] as string);
  }
  return types;
}

function isComposite(type: string): boolean {
  const inner = type.replace(/^(?:Nullable|LowCardinality)\(\s*/g, '');
  return /^(?:Array|Map|Tuple|Nested)\s*\(/i.test(inner);
}

/** Wire parameters (`param_` stripped) as chDB's `queryBindAsync` wants them. */
export function chdbParams(sql: string, wire: Record<string, string>): Record<string, string | null> {
  const types = placeholderTypes(sql);
  const out: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(wire)) {
    const type = types.get(name) ?? 'String';
    if (value === '\\N') out[name] = null;
    else out[name] = isComposite(type) ? requoteComposite(value) : unescapeTsv(value);
  }
  return out;
}
