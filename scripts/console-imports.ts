import { relative } from 'node:path';
import { build } from 'esbuild';

const root = relative(process.cwd(), `${import.meta.dirname}/..`) || '.';

/**
 * Every source file a console entry point pulls in, as esbuild resolves it (TSX included, which
 * dependency-cruiser's swc parser cannot read), relative to the repository root.
 */
export async function consoleSources(entry = 'dashboard/src/main.tsx'): Promise<string[]> {
  const result = await build({
    absWorkingDir: `${import.meta.dirname}/..`,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    outdir: 'out',
    logLevel: 'silent',
    loader: { '.css': 'empty' },
  });
  return Object.keys(result.metafile.inputs).map((p) => (root === '.' ? p : relative(root, p)));
}

/** The console talks to the edge over HTTP like any client: sources of the edge or the runner in it are a crossed boundary. */
export const crossedBoundaries = (sources: string[]): string[] =>
  sources.filter((p) => /^(edge|runner)\//.test(p));
