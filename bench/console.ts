/**
 * The console's first load: the JavaScript a browser fetches to show a page (entry chunk, its
 * static imports and the page's own chunk), gzipped, from the Vite manifest of a fresh build.
 * Lighthouse scores follow (bench/console-lighthouse.ts) when Chromium is installed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureConsoleBuilt } from '../scripts/console-build.ts';

const dist = join(import.meta.dirname, '..', 'dashboard', 'dist');
export const firstLoadBudgetKiB = 300;

type Chunk = { file: string; imports?: string[]; isEntry?: boolean };
type Manifest = Record<string, Chunk>;

export const consolePages = {
  overview: 'src/screens/overview/OverviewPage.tsx',
  app: 'src/screens/apps/AppPage.tsx',
} as const;

export type FirstLoad = { page: string; files: number; gzipKiB: number; rawKiB: number };

/** `rebuild: false` measures the build on disk (tests: others serve it at the same time). */
export async function benchConsoleFirstLoad({ rebuild = true } = {}): Promise<FirstLoad[]> {
  await ensureConsoleBuilt({ force: rebuild, quiet: true });
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const entry = Object.keys(manifest).find((k) => manifest[k]?.isEntry);
  if (!entry) throw new Error('the console build has no entry chunk');
  return Object.entries(consolePages).map(([page, source]) => {
    const files = new Set<string>();
    const visit = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || files.has(chunk.file)) return;
      files.add(chunk.file);
      for (const imported of chunk.imports ?? []) visit(imported);
    };
    visit(entry);
    visit(source);
    const bodies = [...files].map((f) => readFileSync(join(dist, f)));
    const kib = (n: number) => n / 1024;
    return {
      page,
      files: files.size,
      gzipKiB: kib(bodies.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0)),
      rawKiB: kib(bodies.reduce((sum, b) => sum + b.length, 0)),
    };
  });
}

export function consoleReport(loads: FirstLoad[]): string {
  return loads
    .map(
      (l) =>
        `  ${l.page.padEnd(9)} first load ${l.gzipKiB.toFixed(1)} KiB of JavaScript gzipped ` +
        `(${l.rawKiB.toFixed(0)} KiB raw, ${l.files} files): ${l.gzipKiB <= firstLoadBudgetKiB ? 'within' : 'OVER'} ` +
        `the ${firstLoadBudgetKiB} KiB budget (${((100 * l.gzipKiB) / firstLoadBudgetKiB).toFixed(0)} %)`,
    )
    .join('\n');
}
