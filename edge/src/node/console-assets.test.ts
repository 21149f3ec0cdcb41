import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConsoleAssets } from './console-assets.ts';

const dist = mkdtempSync(join(tmpdir(), 'cameleer-console-assets-'));
mkdirSync(join(dist, 'assets'));
mkdirSync(join(dist, '.vite'));
writeFileSync(join(dist, 'index.html'), '<html><head><title>Cameleer</title></head><body></body></html>');
writeFileSync(join(dist, 'assets', 'AppPage-a1.js'), 'export {}');
writeFileSync(
  join(dist, '.vite', 'route-preloads.json'),
  JSON.stringify([
    { path: '/t/:tenant', data: ['/api/tenants/:tenant/apps'] },
    {
      path: '/t/:tenant/apps/:app',
      data: ['/api/me', '/api/tenants/:tenant/apps/:app', '/api/tenants/:tenant/config?app=:app&x=1'],
    },
  ]),
);
const assets = loadConsoleAssets(dist);
const app = new Hono().get('*', (c) => assets?.(c) ?? c.notFound());
const page = async (path: string) => (await app.request(path, { headers: { accept: 'text/html' } })).text();
afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('console assets', () => {
  it("names the page's first requests as fetch preloads, with the address's names filled in", async () => {
    const html = await page('/t/acme/apps/orders');
    expect(html).toContain('<link rel="preload" as="fetch" crossorigin href="/api/me">');
    expect(html).toContain('href="/api/tenants/acme/apps/orders"');
    expect(html).toContain('href="/api/tenants/acme/config?app=orders&amp;x=1"');
    expect(await page('/t/acme/')).toContain('href="/api/tenants/acme/apps"');
  });

  it('leaves the data out when a name is more than a slug (it would go into the HTML)', async () => {
    const html = await page('/t/acme/apps/%22%3E%3Cscript%3E');
    expect(html).toContain('<title>Cameleer</title>');
    expect(html).not.toContain('as="fetch"');
    expect(html).not.toContain('<script>');
  });

  it('answers an address no route lists with the plain index.html', async () => {
    for (const path of ['/', '/t/default/apps/orders/more', '/t//apps/orders'])
      expect(await page(path), path).not.toContain('preload');
  });

  it('still serves the files themselves', async () => {
    const res = await app.request('/assets/AppPage-a1.js');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('export {}');
    expect((await app.request('/.vite/route-preloads.json')).status).toBe(404);
  });
});
