import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = import.meta.dirname;
const mantineStyles = join(src, '../../node_modules/@mantine/core/styles');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('mantine-styles.ts', () => {
  it('imports the stylesheet of every Mantine component the console uses', () => {
    const used = new Set<string>();
    for (const file of sourcesUnder(src))
      for (const [, names = ''] of readFileSync(file, 'utf8').matchAll(
        /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@mantine\/core'/g,
      ))
        for (const name of names.split(',')) used.add(name.trim());
    const styled = [...used].filter((name) => existsSync(join(mantineStyles, `${name}.css`)));
    const imported = readFileSync(join(src, 'mantine-styles.ts'), 'utf8');
    expect(styled.length).toBeGreaterThan(10);
    expect(styled.filter((name) => !imported.includes(`'@mantine/core/styles/${name}.css'`))).toEqual([]);
  });
});
