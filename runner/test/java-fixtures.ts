/**
 * Java fixtures for tests: the sample app and the test agent, compiled with the
 * real JDK by scripts/build-sample.sh. Each JAR is built once per content (sources,
 * script, version, broken flag) into a cache under the OS temp dir, so test files
 * running in parallel forks share it; builds land in a private directory and are
 * renamed into place, which is atomic, so concurrent callers never see a half JAR.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const buildScript = join(repoRoot, 'scripts/build-sample.sh');
const cacheRoot = join(tmpdir(), 'cameleer-java-fixtures');

export type SampleJarOptions = { version: string; broken?: boolean };

const builds = new Map<string, Promise<{ app: string; agent: string }>>();

/** The sample app JAR for this version (GET / answers with it); `broken` exits at start. */
export async function buildSampleJar({ version, broken = false }: SampleJarOptions): Promise<string> {
  return (await build(version, broken)).app;
}

/** The test agent JAR: its premain prints `cameleer-agent attached` and sets `cameleer.agent`. */
export async function buildTestAgentJar(): Promise<string> {
  return (await build('agent', false)).agent;
}

function build(version: string, broken: boolean): Promise<{ app: string; agent: string }> {
  const key = `${version}\0${broken}`;
  let pending = builds.get(key);
  if (!pending) {
    pending = buildOnce(version, broken);
    pending.catch(() => builds.delete(key));
    builds.set(key, pending);
  }
  return pending;
}

async function buildOnce(version: string, broken: boolean): Promise<{ app: string; agent: string }> {
  const dir = join(cacheRoot, await sourcesHash(`${version}\0${broken}`));
  const app = join(dir, broken ? 'sample-app-broken.jar' : 'sample-app.jar');
  const agent = join(dir, 'cameleer-test-agent.jar');
  if ((await exists(app)) && (await exists(agent))) return { app, agent };

  await mkdir(dir, { recursive: true });
  const scratch = await mkdtemp(join(dir, 'build-'));
  try {
    const args = [buildScript, scratch, version, ...(broken ? ['--broken'] : [])];
    const { stdout } = await run('bash', args, { timeout: 120_000 });
    const [builtApp, builtAgent] = stdout.trim().split('\n');
    if (!builtApp || !builtAgent) throw new Error(`build-sample.sh printed no JAR paths: ${stdout}`);
    await rename(builtApp, app);
    await rename(builtAgent, agent);
    return { app, agent };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function sourcesHash(salt: string): Promise<string> {
  const hash = createHash('sha256').update(salt);
  const javaRoot = join(repoRoot, 'runner/java');
  for (const file of [...(await filesUnder(javaRoot)), buildScript].sort()) {
    hash.update(relative(repoRoot, file)).update(await readFile(file));
  }
  return hash.digest('hex').slice(0, 16);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
