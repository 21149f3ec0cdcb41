import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { EdgeCommonConfig } from '../edge/src/config/common.ts';
import { NodeOnlyConfig } from '../edge/src/config/node.ts';
import { WorkersOnlyConfig } from '../edge/src/config/workers.ts';
import { runnerConfigSchema } from '../runner/src/config/schema.ts';

/**
 * The configuration tables of docs/configuration.md, rendered from the zod
 * schemas the processes parse, so the docs cannot drift from the code.
 *   npx tsx scripts/config-docs.ts          rewrite the tables
 *   npx tsx scripts/config-docs.ts --check  exit 1 when they differ
 */

type ConfigTable = { block: 'edge' | 'runner'; title: string; schema: z.ZodObject };

export const configTables: ConfigTable[] = [
  { block: 'edge', title: 'Edge: Node and Workers', schema: EdgeCommonConfig },
  { block: 'edge', title: 'Edge: Node only', schema: NodeOnlyConfig },
  { block: 'edge', title: 'Edge: Workers only', schema: WorkersOnlyConfig },
  { block: 'runner', title: 'Runner', schema: runnerConfigSchema },
];

export const docsFile = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** One row per field: its name, what it takes when unset, and its description. */
export function renderTable(schema: z.ZodObject): string {
  const rows = Object.entries(schema.shape).map(([name, field]) => {
    if (!field.description) throw new Error(`${name} has no description: add .describe(…) to its schema`);
    return `| \`${name}\` | ${defaultOf(field)} | ${field.description.replaceAll('|', '\\|')} |`;
  });
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

/** What an unset variable parses to: its default, nothing (optional), or a refusal (required). */
function defaultOf(field: z.ZodType): string {
  const unset = field.safeParse(undefined);
  if (!unset.success) return 'required';
  if (unset.data === undefined) return 'unset';
  const value = typeof unset.data === 'object' ? JSON.stringify(unset.data) : String(unset.data);
  return `\`${value}\``;
}

/** The doc with every block's tables replaced by what the schemas give now. */
export function renderDoc(doc: string): string {
  return (['edge', 'runner'] as const).reduce((text, block) => {
    const start = `<!-- generated:config:${block}:start -->`;
    const end = `<!-- generated:config:${block}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${start} … ${end} not found in docs/configuration.md`);
    const tables = configTables
      .filter((t) => t.block === block)
      .map((t) => `### ${t.title}\n\n${renderTable(t.schema)}\n`);
    return `${text.slice(0, from + start.length)}\n${tables.join('\n')}${text.slice(to)}`;
  }, doc);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(docsFile, 'utf8');
  const rendered = renderDoc(doc);
  if (process.argv.includes('--check')) {
    if (rendered !== doc) {
      process.stderr.write(
        'docs/configuration.md differs from the schemas: run npx tsx scripts/config-docs.ts\n',
      );
      process.exit(1);
    }
  } else if (rendered !== doc) {
    writeFileSync(docsFile, rendered);
  }
}
