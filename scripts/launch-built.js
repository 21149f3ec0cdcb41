/**
 * Runs the built JavaScript of an entry point (scripts/build-entries.ts) when it is current, which
 * costs one stat per input file; builds it first when an input changed since (a pull, an edit), and
 * runs the TypeScript sources through tsx if it cannot be built. Plain JavaScript: it runs before
 * any TypeScript loader is there.
 */

import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');

/** `outs` name the built files by key, as in build-entries.ts; the first is run. */
export async function launchBuilt(outs, source) {
  const stale = Object.keys(outs).filter((name) => !isCurrent(join(root, outs[name])));
  if (stale.length > 0) {
    const { register } = await import('tsx/esm/api');
    register();
    try {
      const { buildEntry } = await import('./build-entries.ts');
      for (const name of stale) await buildEntry(name);
    } catch (err) {
      process.stderr.write(
        `cameleer: could not build ${stale.join(', ')} (${err.message}); running the sources\n`,
      );
      await import(pathToFileURL(join(root, source)).href);
      return;
    }
  }
  if (process.env.CAMELEER_DEBUG) process.setSourceMapsEnabled(true);
  // Node 22 keeps V8's compiled code of the bundle on disk between runs; Node 20 compiles each time.
  module.enableCompileCache?.();
  await import(pathToFileURL(join(root, Object.values(outs)[0])).href);
}

function isCurrent(out) {
  let print;
  try {
    print = JSON.parse(readFileSync(`${out}.inputs.json`, 'utf8'));
  } catch {
    return false;
  }
  if (print.node !== process.version) return false;
  const same = print.files.every(([file, mtimeMs, size]) => {
    try {
      const now = statSync(file);
      return now.mtimeMs === mtimeMs && now.size === size;
    } catch {
      return false;
    }
  });
  if (same) return true;
  if (!sameContent(print)) return false;
  // Touched, not changed: note the new times, so that the next start compares times only.
  print.files = print.files.map(([file]) => {
    const now = statSync(file);
    return [file, now.mtimeMs, now.size];
  });
  writeFileSync(`${out}.inputs.json`, JSON.stringify(print));
  return true;
}

/** Touched but unchanged (a checkout, a copy): the digest decides, so that nothing is rebuilt for it. */
function sameContent(print) {
  const hash = createHash('sha256');
  try {
    for (const [file] of print.files) {
      hash.update(file);
      hash.update(readFileSync(file));
    }
  } catch {
    return false;
  }
  return hash.digest('hex') === print.sha256;
}
