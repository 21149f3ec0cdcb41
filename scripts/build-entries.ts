/**
 * Builds the JavaScript that the bins and `npm start` run (scripts/launch-built.js runs it, and
 * calls this when it is missing or stale): one bundle per entry point with its source map, so a
 * command starts without a TypeScript loader and without resolving hundreds of modules. tsx stays
 * for development and tests, which run the sources.
 *
 *   npx tsx scripts/build-entries.ts           build every entry (npm install does, postinstall)
 *   npx tsx scripts/build-entries.ts cameleer  build one
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { migrationsFolder } from '../edge/src/node/database.ts';
import { writePgliteTemplate } from '../edge/src/node/pglite-template.ts';
import {
  commonJsShim,
  externalPackages,
  leaveOutOptionalNative,
  sourceRelativePaths,
} from './node-bundle.ts';

const root = join(import.meta.dirname, '..');

type Entry = {
  source: string;
  out: string;
  /**
   * Installed packages left to Node: all of them, or those that read files beside themselves
   * (WebAssembly, native add-ons) or are loaded only on a rare path (Vite). Node resolving and
   * compiling hundreds of package modules is most of a start otherwise.
   */
  external: string[] | 'all';
  define?: Record<string, string>;
  after?: () => Promise<unknown>;
};

/** Every built entry point; scripts/launch-built.js names them by key and knows their `out`. */
export const entries: Record<string, Entry> = {
  cameleer: { source: 'runner/src/user-cli/main.ts', out: 'runner/dist/cameleer.mjs', external: [] },
  'cameleer-runner': {
    source: 'runner/src/cli/main.ts',
    out: 'runner/dist/cameleer-runner.mjs',
    external: [],
  },
  start: {
    source: 'scripts/start.ts',
    out: 'edge/dist/start.mjs',
    external: ['@electric-sql/pglite', 'vite'],
    define: {
      'process.env.CAMELEER_BUILT_CHDB_SERVER': JSON.stringify(
        resolve(root, 'edge/dist/chdb-server-main.mjs'),
      ),
    },
    after: () => writePgliteTemplate(migrationsFolder),
  },
  'chdb-server': {
    source: 'edge/src/node/chdb-server-main.ts',
    out: 'edge/dist/chdb-server-main.mjs',
    external: 'all',
  },
};

/** What launch-built.js compares before it runs a build: each input's size and mtime, and a digest. */
export type Fingerprint = { node: string; files: Array<[string, number, number]>; sha256: string };

export async function buildEntry(name: string): Promise<void> {
  const entry = entries[name];
  if (!entry) throw new Error(`no entry ${name}: one of ${Object.keys(entries).join(', ')}`);
  const out = resolve(root, entry.out);
  // Commands started at once may all find the build stale: each builds aside, then renames.
  const tmp = `${out}.${process.pid}.tmp.mjs`;
  mkdirSync(resolve(out, '..'), { recursive: true });
  const options: BuildOptions = {
    entryPoints: [resolve(root, entry.source)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    sourcemap: 'linked',
    banner: { js: commonJsShim },
    metafile: true,
    logLevel: 'warning',
    ...(entry.external === 'all' ? {} : { external: [...entry.external, 'pg-native'] }),
    plugins: [
      sourceRelativePaths,
      leaveOutOptionalNative,
      ...(entry.external === 'all' ? [externalPackages] : []),
    ],
    ...(entry.define ? { define: entry.define } : {}),
  };
  const result = await build(options);
  const files = Object.keys(result.metafile?.inputs ?? {})
    .filter((input) => !input.includes(':'))
    .map((input) => resolve(input))
    .sort();
  // The source map names the temporary file; rename both, then point the bundle at its map.
  const code = readFileSync(tmp, 'utf8').replace(
    /\/\/# sourceMappingURL=.*$/m,
    `//# sourceMappingURL=${out.split('/').pop()}.map`,
  );
  renameSync(`${tmp}.map`, `${out}.map`);
  writeFileSync(tmp, code);
  renameSync(tmp, out);
  writeFileSync(`${tmp}.json`, JSON.stringify(fingerprintOf(files)));
  renameSync(`${tmp}.json`, `${out}.inputs.json`);
  await entry.after?.();
}

export function fingerprintOf(files: string[]): Fingerprint {
  const hash = createHash('sha256');
  const stats: Fingerprint['files'] = files.map((file) => {
    hash.update(file);
    hash.update(readFileSync(file));
    const { mtimeMs, size } = statSync(file);
    return [file, mtimeMs, size];
  });
  return { node: process.version, files: stats, sha256: hash.digest('hex') };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // From postinstall: a failed build must not fail `npm install`; the first start builds again.
  const ifPossible = process.argv.includes('--if-possible');
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  for (const name of names.length ? names : Object.keys(entries)) {
    const started = Date.now();
    try {
      await buildEntry(name);
      process.stdout.write(`build-entries: ${name} in ${Date.now() - started} ms\n`);
    } catch (err) {
      process.stderr.write(`build-entries: ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      if (!ifPossible) process.exitCode = 1;
    }
  }
}
