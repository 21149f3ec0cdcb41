import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Paths of copies of one JAR that differ in one added entry, so each gets its own image layer (the
 * sample app is compiled once; `jar --update` is much cheaper than another javac run).
 */
export async function jarVariants(jar: string, dir: string, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    names.map(async (name) => {
      const entries = join(dir, `variant-${name}`);
      await mkdir(entries, { recursive: true });
      await writeFile(join(entries, 'bench-variant.txt'), `${name}\n`);
      const copy = join(dir, `app-${name}.jar`);
      await copyFile(jar, copy);
      await run('jar', ['--update', '--file', copy, '-C', entries, 'bench-variant.txt']);
      out.set(name, copy);
    }),
  );
  return out;
}
