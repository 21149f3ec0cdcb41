import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
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

describe('routeScreens data', () => {
  it("is what the page's loaders ask for first", async () => {
    const asked: string[] = [];
    vi.stubGlobal('location', new URL('http://console.test/'));
    vi.stubGlobal('fetch', async (input: Request | string) => {
      const url = new URL(typeof input === 'string' ? input : input.url, 'http://console.test');
      asked.push(`${url.pathname}${url.search}`);
      return Response.json({ items: [] });
    });
    const { queryClient } = await import('./api/query-client.ts');
    const { loadSession } = await import('./session/use-me.ts');
    const { loadOverview } = await import('./screens/overview/overview-query-options.ts');
    const { loadAppPage } = await import('./screens/apps/app-query-options.ts');
    const loaders: Record<string, () => Promise<void>> = {
      '/t/:tenant': () => loadOverview('acme'),
      '/t/:tenant/apps/:app': () => loadAppPage('acme', 'orders'),
    };
    try {
      for (const { path, data = [] } of routeScreens.filter((r) => r.path.startsWith('/t/'))) {
        asked.length = 0;
        queryClient.clear();
        await Promise.all([loadSession(), loaders[path]?.()]);
        const expected = data.map((d) => d.replaceAll(':tenant', 'acme').replaceAll(':app', 'orders'));
        expect(asked.sort(), path).toEqual(expected.toSorted());
      }
    } finally {
      vi.unstubAllGlobals();
      queryClient.clear();
    }
  });
});
