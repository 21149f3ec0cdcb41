import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The edge runs on Cloudflare Workers as well as Node. Only the Node entry
 * point and the Node adapters may use Node built-ins or Node-only packages.
 */
const root = join(import.meta.dirname, '..', '..');
const nodeOnlyPackages = [
  'pg',
  '@electric-sql/pglite',
  '@hono/node-server',
  'ws',
  'dockerode',
  'chdb',
  '@clickhouse/client',
  'drizzle-orm/node-postgres',
  'drizzle-orm/pglite',
  'esbuild',
  'tsx',
];
const builtins = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

function isNodeAdapter(file: string): boolean {
  const rel = relative(root, file);
  return rel === 'edge/src/node.ts' || rel.startsWith('edge/src/node/');
}

function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(
    /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
  )) {
    found.push(m[1] ?? m[2] ?? '');
  }
  return found;
}

function forbidden(specifier: string): boolean {
  if (specifier.startsWith('node:') || builtins.has(specifier)) return true;
  return nodeOnlyPackages.some((p) => specifier === p || specifier.startsWith(`${p}/`));
}

describe('runtime-neutral code', () => {
  it('imports no Node built-in or Node-only package outside the Node entry point and adapters', () => {
    const files = [
      ...sourceFiles(join(root, 'shared', 'src')),
      ...sourceFiles(join(root, 'edge', 'src')),
    ].filter((f) => !isNodeAdapter(f));
    expect(files.length).toBeGreaterThan(20);
    const offences = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter(forbidden)
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('notices a forbidden import (the check itself works)', () => {
    expect(importsOf("import { readFile } from 'node:fs';\nimport pg from 'pg';").filter(forbidden)).toEqual([
      'node:fs',
      'pg',
    ]);
    expect(forbidden('hono')).toBe(false);
  });

  it.each(['edge/src/app.ts', 'shared/src/index.ts'])(
    'bundles %s for a Worker with no Node built-in anywhere in its dependencies',
    async (entry) => {
      const result = await build({
        entryPoints: [join(root, entry)],
        bundle: true,
        write: false,
        platform: 'browser',
        format: 'esm',
        conditions: ['workerd', 'worker', 'browser'],
        logLevel: 'silent',
      });
      expect(result.errors).toEqual([]);
      expect(result.outputFiles[0]?.contents.length).toBeGreaterThan(1000);
    },
  );
});
