import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// `biome check .` in `npm test` refuses import cycles (noImportCycles); type-only imports do not count.
const repo = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'cameleer-cycles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lint(files: Record<string, string>) {
  const config = JSON.parse(readFileSync(join(repo, 'biome.json'), 'utf8'));
  config.$schema = undefined;
  config.files = undefined;
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const biome = join(repo, 'node_modules', '.bin', 'biome');
  return spawnSync(biome, ['lint', '--max-diagnostics=50', dir], { cwd: dir, encoding: 'utf8' });
}

describe('import cycles', () => {
  it('fails on a runtime cycle and lets a type-only one pass', () => {
    const run = lint({
      'a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      'types.ts': "import type { Use } from './use.ts';\nexport type Env = { use?: Use };\n",
      'use.ts': "import type { Env } from './types.ts';\nexport type Use = (env: Env) => void;\n",
    });
    const output = run.stdout + run.stderr;
    expect(run.status).not.toBe(0);
    expect(output).toMatch(/a\.ts.*noImportCycles/);
    expect(output).not.toMatch(/(types|use)\.ts.*noImportCycles/);
  });
});
