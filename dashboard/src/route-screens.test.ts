import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeScreens } from './route-screens.ts';

const router = readFileSync(join(import.meta.dirname, 'router.tsx'), 'utf8');

describe('routeScreens', () => {
  it('names the module router.tsx loads for each address', () => {
    for (const { path, screen } of routeScreens) {
      expect(router, screen).toContain(`import('./${screen}')`);
      const child = path.replace(/^\/t\/:tenant\/?/, '');
      const declared = path.startsWith('/t/')
        ? child
          ? `path: '${child}'`
          : 'index: true'
        : `path: '${path}'`;
      expect(router, path).toContain(declared);
    }
  });

  it('covers every screen router.tsx loads', () => {
    const loaded = [...router.matchAll(/import\('\.\/(screens\/[^']+)'\)/g)].map((m) => m[1]);
    expect(loaded.sort()).toEqual(routeScreens.map((r) => r.screen).sort());
  });
});
