/**
 * Serves the console (dashboard/dist, built by `npm start` when stale) from Node: hashed files under
 * /assets cached for a year, index.html revalidated every time, deep links answered with the app.
 * Files are read once and kept in memory: the build is small and fixed. Their gzip and brotli forms
 * are read from what the console build wrote (console-compressed.ts) when first asked for.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { type Encoding, readCompressed } from './console-compressed.ts';

export const consoleDistDir = join(import.meta.dirname, '../../../dashboard/dist');

type Asset = { body: Buffer; encoded(encoding: Encoding): Buffer; type: string; immutable: boolean };

export type ConsoleAssets = (c: Context) => Response | undefined;

/** Undefined when the console was not built: the edge then answers only its API. */
export function loadConsoleAssets(dir = consoleDistDir): ConsoleAssets | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(dir)) {
    const path = `/${relative(dir, file).split('\\').join('/')}`;
    if (path === '/_headers' || path.startsWith('/.')) continue;
    const body = readFileSync(file);
    const encoded = new Map<Encoding, Buffer>();
    assets.set(path, {
      body,
      encoded: (encoding) => {
        const known = encoded.get(encoding);
        if (known) return known;
        const fresh = readCompressed(dir, path, body, encoding);
        encoded.set(encoding, fresh);
        return fresh;
      },
      type: getMimeType(path) ?? 'application/octet-stream',
      immutable: path.startsWith('/assets/'),
    });
  }
  const index = assets.get('/index.html');
  if (!index) return undefined;
  return (c) => {
    const path = c.req.path;
    const asset = assets.get(path) ?? (isAppAddress(path, c.req.header('accept')) ? index : undefined);
    return asset ? respond(c, asset) : undefined;
  };
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
  const encoding = accepted.includes('br') ? 'br' : accepted.includes('gzip') ? 'gzip' : undefined;
  const body = encoding ? asset.encoded(encoding) : asset.body;
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
