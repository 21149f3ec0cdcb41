/**
 * Builds the console (dashboard/ → dashboard/dist) with Vite, unless the build on disk was made
 * from the same sources: `npm start` runs this first, so a fresh clone serves a built console
 * with no extra command, and a pull that changed the console rebuilds it.
 *
 *   npx tsx scripts/console-build.ts            build when stale (prints what it does)
 *   npx tsx scripts/console-build.ts --force    build anyway
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeCompressed } from '../edge/src/node/console-compressed.ts';

const dashboard = join(import.meta.dirname, '..', 'dashboard');
const dist = join(dashboard, 'dist');
const stamp = join(dist, '.source-hash');
const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

/** A digest of every file the build reads from the dashboard workspace. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  // What the build writes besides Vite's output: a dist from before the compressed files is stale.
  hash.update('compressed/1');
  for (const input of inputs)
    for (const file of filesUnder(join(dashboard, input))) {
      hash.update(relative(dashboard, file));
      hash.update(readFileSync(file));
    }
  return hash.digest('hex');
}

export function consoleIsBuilt(): boolean {
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === consoleSourceHash();
}

/** Builds when the sources changed since the last build; resolves once dist/ is current. */
export async function ensureConsoleBuilt(opts: { force?: boolean; quiet?: boolean } = {}): Promise<void> {
  if (!opts.force && consoleIsBuilt()) return;
  const { build } = await import('vite');
  if (!opts.quiet) process.stdout.write('  Building the console (dashboard/) …\n');
  const started = Date.now();
  // Under vitest NODE_ENV is `test`, and Vite would then ship React's development JSX runtime
  // with source paths: the console is always built for production, whoever builds it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: dashboard,
      configFile: join(dashboard, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  // Compressed here, once per build, so that the edge does not compress on every start.
  for (const file of filesUnder(dist)) {
    const path = `/${relative(dist, file).split('\\').join('/')}`;
    if (path !== '/_headers' && !path.startsWith('/.')) writeCompressed(dist, path, readFileSync(file));
  }
  writeFileSync(stamp, consoleSourceHash());
  if (!opts.quiet)
    process.stdout.write(`  Console built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await ensureConsoleBuilt({ force: process.argv.includes('--force') });
}
