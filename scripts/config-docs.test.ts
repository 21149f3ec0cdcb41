import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configTables, docsFile, renderDoc, renderTable } from './config-docs.ts';

describe('configuration docs', () => {
  it('docs/configuration.md holds exactly the tables the schemas give (npx tsx scripts/config-docs.ts)', () => {
    const doc = readFileSync(docsFile, 'utf8');
    expect(renderDoc(doc)).toBe(doc);
  });

  it('lists the settings the README once lacked', () => {
    const doc = readFileSync(docsFile, 'utf8');
    for (const name of [
      'CAMELEER_COMMAND_KEYS',
      'CAMELEER_TUNNEL_HEARTBEAT_MS',
      'CAMELEER_COMMAND_SWEEP_MS',
    ]) {
      expect(doc).toContain(`| \`${name}\` |`);
    }
  });

  it('renders any object schema: default, optional and required, with the description', () => {
    const table = renderTable(
      z.object({
        PORT: z.coerce.number().default(8080).describe('the port'),
        TOKEN: z.string().optional().describe('a | pipe'),
        URL: z.url().describe('where'),
      }),
    );
    expect(table.split('\n')).toEqual([
      '| Variable | Default | Description |',
      '| --- | --- | --- |',
      '| `PORT` | `8080` | the port |',
      '| `TOKEN` | unset | a \\| pipe |',
      '| `URL` | required | where |',
    ]);
  });

  it('refuses a field without a description, so every setting is documented', () => {
    expect(() => renderTable(z.object({ SILENT: z.string() }))).toThrow(/SILENT has no description/);
    for (const { schema } of configTables) expect(() => renderTable(schema)).not.toThrow();
  });

  it('refuses a doc without its markers', () => {
    expect(() => renderDoc('# Configuration\n')).toThrow(/generated:config:edge:start/);
  });
});
