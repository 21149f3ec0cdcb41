/**
 * Serves the console (dashboard/dist, built by `npm start` when stale) from Node: hashed files under
 * /assets cached for a year, index.html revalidated every time, deep links answered with the app.
 * Files are read once and kept in memory: the build is small and fixed. Their gzip and brotli forms
 * are read from what the console build wrote (console-compressed.ts) when first asked for.
 * A deep link's index.html names the page's first API requests as fetch preloads (the build lists
 * them in .vite/route-preloads.json): a phone then asks them while the entry chunk downloads, not
 * after running it. Not the page's chunks: Lighthouse's phone preset counted their bytes, competing
 * with the stylesheet, against the first paint (FCP 1.1 → 2.6–4.2 s), and the largest paint gained nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { z } from 'zod';
import { type Encoding, readCompressed } from './console-compressed.ts';

export const consoleDistDir = join(import.meta.dirname, '../../../dashboard/dist');

/** `encoded` is undefined for an encoding the asset is not offered in. */
type Asset = {
  body: Buffer;
  encoded(encoding: Encoding): Buffer | undefined;
  type: string;
  immutable: boolean;
};

export type ConsoleAssets = (c: Context) => Response | undefined;

/** Undefined when the console was not built: the edge then answers only its API. */
export function loadConsoleAssets(dir = consoleDistDir): ConsoleAssets | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(dir)) {
    const path = `/${relative(dir, file).split('\\').join('/')}`;
    if (path === '/_headers' || path.startsWith('/.')) continue;
    const body = readFileSync(file);
    assets.set(
      path,
      asset(body, path, (encoding) => readCompressed(dir, path, body, encoding)),
    );
  }
  const index = assets.get('/index.html');
  if (!index) return undefined;
  const html = index.body.toString('utf8');
  const pages = routePreloads(dir).map(({ path, data }) => ({ segments: path.split('/'), data }));
  const indexFor = (path: string): Asset => {
    const segments = path.replace(/\/$/, '').split('/');
    const page = pages.find((p) => matches(p.segments, segments));
    const params = page && paramsOf(page.segments, segments);
    if (!page || page.data.length === 0 || !params) return index;
    // `crossorigin` (anonymous: same-origin requests still carry the cookie) so that the console's
    // own fetch() of the same address takes the preloaded answer.
    const links = page.data
      .map((d) => d.replace(/:(\w+)/g, (_, n) => params[n] ?? '').replaceAll('&', '&amp;'))
      .map((href) => `<link rel="preload" as="fetch" crossorigin href="${href}">`)
      .join('');
    const body = Buffer.from(html.replace('</head>', `${links}</head>`));
    // Made per request: gzip only, as small for a page this size and much quicker to make than brotli.
    return asset(body, '/index.html', (encoding) => (encoding === 'gzip' ? gzipSync(body) : undefined));
  };
  return (c) => {
    const path = c.req.path;
    const found =
      assets.get(path) ?? (isAppAddress(path, c.req.header('accept')) ? indexFor(path) : undefined);
    return found ? respond(c, found) : undefined;
  };
}

/** An asset whose encoded forms are made (or read) once, when first asked for. */
function asset(body: Buffer, path: string, encode: (encoding: Encoding) => Buffer | undefined): Asset {
  const encoded = new Map<Encoding, Buffer | undefined>();
  return {
    body,
    encoded: (encoding) => {
      if (!encoded.has(encoding)) encoded.set(encoding, encode(encoding));
      return encoded.get(encoding);
    },
    type: getMimeType(path) ?? 'application/octet-stream',
    immutable: path.startsWith('/assets/'),
  };
}

const RoutePreloads = z.array(
  z.object({
    path: z.string().startsWith('/'),
    data: z.array(z.string().regex(/^\/[\w/:.?=&-]*$/)).default([]),
  }),
);

/** A build without the list (or an older one) still serves: its deep links only lose the preloads. */
function routePreloads(dir: string): z.infer<typeof RoutePreloads> {
  const file = join(dir, '.vite', 'route-preloads.json');
  if (!existsSync(file)) return [];
  const parsed = RoutePreloads.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : [];
}

/** `/t/:tenant/apps/:app` against `/t/default/apps/orders`: a `:name` is any one non-empty segment. */
function matches(pattern: string[], path: string[]): boolean {
  return (
    pattern.length === path.length &&
    pattern.every((p, i) => (p.startsWith(':') ? (path[i] ?? '') !== '' : p === path[i]))
  );
}

/** A deep link of the app (no file extension, a browser asking for a page), not a missing file. */
function isAppAddress(path: string, accept: string | undefined): boolean {
  return (
    !/\.[a-z0-9]+$/i.test(path) &&
    (accept === undefined || accept.includes('text/html') || accept.includes('*/*'))
  );
}

function respond(c: Context, asset: Asset): Response {
  const accepted = c.req.header('accept-encoding') ?? '';
  const br = accepted.includes('br') ? asset.encoded('br') : undefined;
  const gzip = br === undefined && accepted.includes('gzip') ? asset.encoded('gzip') : undefined;
  const [body, encoding] = br ? [br, 'br'] : gzip ? [gzip, 'gzip'] : [asset.body, undefined];
  const headers = new Headers({
    'content-type': asset.type,
    'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    vary: 'accept-encoding',
  });
  if (encoding) headers.set('content-encoding', encoding);
  if (asset.type.startsWith('text/html'))
    headers.set(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
  return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The address's `:name` parts, or undefined when one is more than a plain slug (it goes into HTML). */
function paramsOf(pattern: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, p] of pattern.entries()) {
    const value = path[i] ?? '';
    if (!p.startsWith(':')) continue;
    if (!/^[\w.~-]+$/.test(value)) return undefined;
    params[p.slice(1)] = value;
  }
  return params;
}
