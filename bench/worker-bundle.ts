import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

export type WorkerBundle = { files: number; rawBytes: number; gzipBytes: number };

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The worker as `wrangler deploy` would upload it (`--dry-run --outdir`, no network), gzipped as Cloudflare
 * counts it. The console's static assets are not part of the worker: the dry run gets an empty assets folder.
 */
export async function measureWorkerBundle(): Promise<WorkerBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'cameleer-bench-bundle-'));
  try {
    await mkdir(join(dir, 'assets'));
    const config = (await readFile(join(repoRoot, 'wrangler.toml'), 'utf8'))
      .replace(/^main = .*$/m, `main = ${JSON.stringify(join(repoRoot, 'edge/src/worker.ts'))}`)
      .replace(/^directory = .*$/m, `directory = ${JSON.stringify(join(dir, 'assets'))}`);
    await writeFile(join(dir, 'wrangler.toml'), config);
    const out = join(dir, 'out');
    await promisify(execFile)(
      process.execPath,
      [
        join(repoRoot, 'node_modules/wrangler/bin/wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        out,
        '--config',
        join(dir, 'wrangler.toml'),
      ],
      { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' } },
    );
    // Source maps are not uploaded as code; README.md is wrangler's note about the folder.
    const modules = (await readdir(out)).filter((f) => /\.(m?js|wasm)$/.test(f));
    if (modules.length === 0) throw new Error(`wrangler deploy --dry-run wrote no module to ${out}`);
    let rawBytes = 0;
    let gzipBytes = 0;
    for (const file of modules) {
      const bytes = await readFile(join(out, file));
      rawBytes += bytes.length;
      gzipBytes += gzipSync(bytes, { level: 9 }).length;
    }
    return { files: modules.length, rawBytes, gzipBytes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
