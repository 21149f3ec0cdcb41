import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from './console-build.ts';

const assets = join(import.meta.dirname, '..', 'dashboard', 'dist', 'assets');

describe('the console build', () => {
  it('is a production build even when made under vitest (NODE_ENV=test)', async () => {
    expect(process.env.NODE_ENV).toBe('test');
    await ensureConsoleBuilt({ quiet: true });
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(5);
    const dev = scripts.filter((f) => {
      const text = readFileSync(join(assets, f), 'utf8');
      return text.includes('jsxDEV') || text.includes(join(import.meta.dirname, '..', 'dashboard', 'src'));
    });
    expect(dev).toEqual([]);
    expect(process.env.NODE_ENV).toBe('test');
  });
});
