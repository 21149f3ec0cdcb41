/**
 * The repository's sample Camel app, built on this machine with its JDK and offered for download,
 * so a newcomer can try the console (upload, deploy, observe, promote, roll back) without a JAR of
 * their own or a command line. Node only: Workers have no JDK; the console hides the offer there.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import type { HonoEnv } from '../env.ts';
import { AppError } from '../errors.ts';

const run = promisify(execFile);
const buildScript = join(import.meta.dirname, '../../../scripts/build-sample.sh');

/** Two versions, so that a newcomer can deploy one, then the other, and roll back. */
export const sampleVersions = ['1', '2'] as const;

/** Builds each version at most once (concurrent downloads share the build) under `dir`. */
export function sampleAppRoutes(dir: string) {
  const builds = new Map<string, Promise<Buffer>>();
  const jarOf = (version: string) => {
    let build = builds.get(version);
    if (!build) {
      build = buildSample(join(dir, version), version);
      builds.set(version, build);
      build.catch(() => builds.delete(version));
    }
    return build;
  };
  return new Hono<HonoEnv>()
    .get('/samples', (c) =>
      c.json({
        items: sampleVersions.map((version) => ({
          version,
          file: `cameleer-sample-${version}.jar`,
          url: `/samples/cameleer-sample-${version}.jar`,
        })),
      }),
    )
    .get('/samples/:file{cameleer-sample-[0-9]+\\.jar}', async (c) => {
      const version = /([0-9]+)\.jar$/.exec(c.req.param('file'))?.[1] ?? '';
      if (!(sampleVersions as readonly string[]).includes(version))
        throw new AppError('not-found', `There is no sample app version ${version}`);
      const jar = await jarOf(version);
      return c.body(new Uint8Array(jar), 200, {
        'content-type': 'application/java-archive',
        'content-disposition': `attachment; filename="cameleer-sample-${version}.jar"`,
        'cache-control': 'no-cache',
      });
    });
}

async function buildSample(out: string, version: string): Promise<Buffer> {
  try {
    const { stdout } = await run('bash', [buildScript, out, version], { timeout: 120_000 });
    const app = stdout.split('\n').find((line) => line.endsWith('.jar'));
    if (!app) throw new Error(`build-sample.sh printed no JAR: ${stdout}`);
    return await readFile(app.trim());
  } catch (err) {
    throw new AppError(
      'unavailable',
      `The sample app is built with the JDK on this machine (javac and jar), and that failed: ${String(err).slice(0, 300)}`,
    );
  }
}
