import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { satisfies, subset, validRange } from 'semver';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(`${root}${file}`, 'utf8'));

type Lock = { packages: Record<string, { engines?: { node?: string }; optional?: boolean }> };

/** The Node versions the project declares are ones every installed package declares too. */
describe('engines.node of the project', () => {
  const declared: string = readJson('package.json').engines.node;

  it('admits only Node versions every locked package supports', () => {
    const lock = readJson('package-lock.json') as Lock;
    const unsupported = Object.entries(lock.packages)
      .filter(([path, pkg]) => path && pkg.engines?.node && validRange(pkg.engines.node))
      .filter(([, pkg]) => !subset(declared, pkg.engines?.node ?? '*'))
      .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')} needs ${pkg.engines?.node}`);
    expect(unsupported, `the project declares node ${declared}`).toEqual([]);
  });

  it('covers the LTS lines 22 and 24 and what follows, not the end-of-life 20', () => {
    for (const version of ['22.13.0', '22.99.0', '24.0.0', '26.0.0']) {
      expect(satisfies(version, declared), version).toBe(true);
    }
    for (const version of ['20.19.0', '21.7.0', '23.0.0'])
      expect(satisfies(version, declared), version).toBe(false);
  });
});
