import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// The rules `npm run boundaries` checks the repository with, tried on a small tree that breaks them.
const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs') as IConfiguration;
const root = mkdtempSync(join(tmpdir(), 'cameleer-boundaries-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

async function violations(): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(['shared', 'edge', 'runner', 'dashboard'], {
      ...config.options,
      tsConfig: undefined,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    });
    const output = result.output;
    if (typeof output === 'string') throw new Error('expected a cruise result');
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
  } finally {
    process.chdir(cwd);
  }
}

describe('repository boundaries (dependency-cruiser)', () => {
  it('refuses each crossed boundary and allows the permitted paths', async () => {
    write({
      'shared/src/ids.ts':
        "import { edge } from '../../edge/src/app.ts';\nimport { readFileSync } from 'node:fs';\nexport const ids = [edge, readFileSync];\n",
      'edge/src/app.ts':
        "import { run } from '../../runner/src/run.ts';\nimport { ids } from '../../shared/src/ids.ts';\nexport const edge = [run, ids];\n",
      'edge/src/services/files.ts':
        "import { readFile } from 'node:fs/promises';\nexport const files = readFile;\n",
      'edge/src/node/disk.ts':
        "import { readFile } from 'node:fs/promises';\nexport const disk = readFile;\n",
      'edge/src/node/local-runner.ts':
        "import { run } from '../../../runner/src/index.ts';\nexport const local = run;\n",
      'edge/src/routes/apps.test.ts':
        "import { run } from '../../../runner/src/run.ts';\nimport { fixture } from '../../../runner/test/fixture.ts';\nexport const t = [run, fixture];\n",
      'edge/test/fixture.ts': "import { edge } from '../src/app.ts';\nexport const fixture = edge;\n",
      'runner/src/index.ts': "export { run } from './run.ts';\n",
      'runner/src/run.ts':
        "import { ids } from '../../shared/src/ids.ts';\nimport { edge } from '../../edge/src/app.ts';\nexport const run = [ids, edge];\n",
      'runner/src/run.test.ts':
        "import { fixture } from '../../edge/test/fixture.ts';\nexport const t = fixture;\n",
      'runner/test/fixture.ts': 'export const fixture = 1;\n',
      'dashboard/src/main.ts': "import { edge } from '../../edge/src/app.ts';\nexport const ui = edge;\n",
    });
    expect(await violations()).toEqual([
      'dashboard-uses-the-public-api: dashboard/src/main.ts → edge/src/app.ts',
      'edge-core-uses-no-node-builtin: edge/src/services/files.ts → fs/promises',
      'edge-meets-runner-only-through-shared: edge/src/app.ts → runner/src/run.ts',
      'runner-meets-edge-only-through-shared: runner/src/run.ts → edge/src/app.ts',
      'shared-is-runtime-neutral: shared/src/ids.ts → fs',
      'shared-knows-neither-side: shared/src/ids.ts → edge/src/app.ts',
      'tests-reach-the-other-side-through-its-fixtures: edge/src/routes/apps.test.ts → runner/src/run.ts',
    ]);
  });
});
