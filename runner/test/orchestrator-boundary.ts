/**
 * Finds code outside `src/orchestrators/` that asks which orchestrator it has: a comparison or a
 * `case` on an orchestrator's kind, `instanceof …Orchestrator`, or an import from an orchestrator's
 * own folder. Such code needs editing for every new orchestrator; the registry and the interface
 * are the only ways in. Tests are left out: they build the orchestrator they test.
 *
 * A careful scan of the text, not a parse: TypeScript 7 ships no compiler API to parse with, and
 * the shapes looked for are few. Comments are blanked first (line breaks kept, for line numbers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export type BoundaryViolation = { file: string; line: number; what: string };

const equality = '[!=]==?';

export function orchestratorBoundaryViolations(
  srcDir: string,
  kinds: readonly string[],
): BoundaryViolation[] {
  const orchestratorsDir = join(srcDir, 'orchestrators');
  const kind = kinds.map((k) => k.replace(/[^a-z0-9-]/gi, '')).join('|');
  const patterns: { pattern: RegExp; what: (m: RegExpExecArray) => string }[] = [
    {
      // `orchestrator.kind === …`, `opts.orchestrator?.kind !== …`, and the same with the sides swapped.
      pattern: new RegExp(
        String.raw`orchestrator\??\.kind\s*${equality}|${equality}\s*[\w$.?]*orchestrator\??\.kind\b`,
        'gi',
      ),
      what: (m) => `compares an orchestrator's kind: ${m[0]}`,
    },
    {
      pattern: new RegExp(
        String.raw`${equality}\s*['"\`](${kind})['"\`]|['"\`](${kind})['"\`]\s*${equality}`,
        'g',
      ),
      what: (m) => `compares with the orchestrator kind '${m[1] ?? m[2]}'`,
    },
    {
      pattern: new RegExp(String.raw`\bcase\s+['"\`](${kind})['"\`]\s*:`, 'g'),
      what: (m) => `case '${m[1]}'`,
    },
    { pattern: /\bswitch\s*\([^)]*orchestrator\??\.kind\s*\)/gi, what: (m) => m[0] },
    { pattern: /\binstanceof\s+[\w$.]*Orchestrator\b/g, what: (m) => m[0] },
  ];
  const violations: BoundaryViolation[] = [];
  for (const path of sourceFiles(srcDir)) {
    if (path.startsWith(orchestratorsDir + sep)) continue;
    const text = withoutComments(readFileSync(path, 'utf8'));
    const lineOf = (index: number) => text.slice(0, index).split('\n').length;
    const file = relative(srcDir, path);
    for (const { pattern, what } of patterns) {
      for (const m of text.matchAll(pattern)) violations.push({ file, line: lineOf(m.index), what: what(m) });
    }
    for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const specifier = m[1] ?? '';
      if (!specifier.startsWith('.')) continue;
      const inside = relative(orchestratorsDir, resolve(dirname(path), specifier));
      // A file of orchestrators/ itself (the interface, the registry) is fine; a folder of one is not.
      if (!inside.startsWith('..') && inside.includes(sep))
        violations.push({ file, line: lineOf(m.index), what: `imports ${specifier}` });
    }
  }
  return violations;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

/** Block comments and `//` comments blanked; `//` right after `:` (a URL in a string) is kept. */
function withoutComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}
