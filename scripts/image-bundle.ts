/**
 * Lays out what a container image ships for the edge or the runner: one esbuild bundle (with its
 * source map) instead of TypeScript sources and tsx, the files the code reads beside itself, and
 * the few packages that cannot be bundled. The Dockerfiles run it in their build stage; run on the
 * host first, it spares that stage an `npm ci` (the tests build images this way).
 *
 *   npx tsx scripts/image-bundle.ts edge|runner [OUT_DIR]     default dist/image/<name>
 *
 * The output mirrors the repository's layout under OUT_DIR (the image's /app): each bundle sits at
 * the depth of the sources it was made from, so their `new URL('../../../migrations', import.meta.url)`
 * and the like find the same files as in a clone.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { ensureConsoleBuilt } from './console-build.ts';
import { commonJsShim } from './node-bundle.ts';

const root = resolve(import.meta.dirname, '..');

type Target = {
  entry: string;
  /** Where the bundle goes, relative to the output: the depth its sources' relative URLs expect. */
  bundle: string;
  /** Packages loaded from node_modules at run time: they read files beside themselves (WebAssembly). */
  external: string[];
  /** Repository files the code reads at run time, copied to the same place under the output. */
  files: Array<[from: string, to: string]>;
  before?: () => Promise<void>;
};

const targets: Record<string, Target> = {
  edge: {
    entry: 'edge/src/node.ts',
    bundle: 'edge/dist/node/edge.mjs',
    external: ['@electric-sql/pglite'],
    files: [
      ['migrations', 'migrations'],
      ['dashboard/dist', 'dashboard/dist'],
      // The local runner of `npm start` is bundled in (off in the image, imported all the same).
      ['runner/src/telemetry/otlp/proto', 'edge/dist/node/proto'],
    ],
    before: () => ensureConsoleBuilt({ quiet: true }),
  },
  runner: {
    entry: 'runner/src/cli/main.ts',
    bundle: 'runner/dist/cli/runner.mjs',
    external: [],
    files: [['runner/src/telemetry/otlp/proto', 'runner/dist/cli/proto']],
  },
};

export async function bundleImage(name: string, out = join(root, 'dist/image', name)): Promise<string> {
  const target = targets[name];
  if (!target) throw new Error(`no image named ${name}; one of ${Object.keys(targets).join(', ')}`);
  await target.before?.();
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, target.entry)],
    outfile: join(out, target.bundle),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Optional native add-ons (ssh2's crypto, pg-native) stay behind their own try/catch.
    external: [...target.external, 'pg-native', 'cpu-features', '*.node'],
    banner: { js: commonJsShim },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const [from, to] of target.files) cpSync(join(root, from), join(out, to), { recursive: true });
  for (const pkg of target.external)
    cpSync(join(root, 'node_modules', pkg), join(out, 'node_modules', pkg), { recursive: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [name = '', out] = process.argv.slice(2);
  const dir = await bundleImage(name, out && resolve(out));
  process.stdout.write(`${name} image bundle in ${dir}\n`);
}
