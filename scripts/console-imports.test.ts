import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleSources, crossedBoundaries } from './console-imports.ts';

const dir = mkdtempSync(join(tmpdir(), 'cameleer-console-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console uses only the public API', () => {
  it('pulls in no source of the edge or the runner', async () => {
    const sources = await consoleSources();
    expect(sources).toContain('dashboard/src/router.tsx');
    expect(sources.filter((p) => p.startsWith('dashboard/src/screens/')).length).toBeGreaterThan(10);
    expect(crossedBoundaries(sources)).toEqual([]);
  });

  it('catches a console file that imports the edge', async () => {
    const entry = join(dir, 'leak.tsx');
    const edgeErrors = join(import.meta.dirname, '..', 'edge', 'src', 'errors.ts');
    writeFileSync(
      entry,
      `import { NotFound } from '${edgeErrors}';\nexport const leak = <b>{String(NotFound)}</b>;\n`,
    );
    expect(crossedBoundaries(await consoleSources(entry))).toEqual(['edge/src/errors.ts']);
  });
});
