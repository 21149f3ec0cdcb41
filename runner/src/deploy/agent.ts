/**
 * The agent JAR attached to every app with -javaagent. Until the observability agent ships, it is
 * the test agent from runner/java/test-agent, compiled once into the state dir with the JDK.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { embeddedAsset, embeddedAssetNames } from '../embedded-assets.ts';

const run = promisify(execFile);
// Read only from a checkout: the single-file runner carries the built JAR instead.
const agentSources = () => fileURLToPath(new URL('../../java/test-agent/', import.meta.url));
const building = new Map<string, Promise<string>>();

/** `CAMELEER_AGENT_JAR` when set, else `<stateDir>/agent/cameleer-agent.jar`, built when missing. */
export function ensureAgentJar(
  stateDir: string,
  env: { CAMELEER_AGENT_JAR?: string | undefined },
): Promise<string> {
  if (env.CAMELEER_AGENT_JAR) return Promise.resolve(env.CAMELEER_AGENT_JAR);
  const path = join(stateDir, 'agent', 'cameleer-agent.jar');
  if (existsSync(path)) return Promise.resolve(path);
  let pending = building.get(path);
  if (!pending) {
    pending = buildAgentJar(path).finally(() => building.delete(path));
    building.set(path, pending);
  }
  return pending;
}

/** Writes the agent JAR to `path`: the one embedded in the single-file runner, else compiled from its sources. */
export async function buildAgentJar(path: string): Promise<string> {
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(join(dir, 'build-'));
  try {
    const embedded = embeddedAsset(embeddedAssetNames.agentJar);
    if (embedded) {
      await writeFile(join(scratch, 'agent.jar'), new Uint8Array(embedded));
      await rename(join(scratch, 'agent.jar'), path);
      return path;
    }
    const sourcesDir = agentSources();
    const classes = join(scratch, 'classes');
    const entries = await readdir(join(sourcesDir, 'src'), { recursive: true, withFileTypes: true });
    const sources = entries.filter((e) => e.isFile() && e.name.endsWith('.java'));
    await run('javac', ['--release', '17', '-d', classes, ...sources.map((e) => join(e.parentPath, e.name))]);
    const jar = join(scratch, 'agent.jar');
    const manifest = join(sourcesDir, 'MANIFEST.MF');
    await run('jar', ['--create', '--file', jar, '--manifest', manifest, '-C', classes, '.']);
    // Atomic: a concurrent runner never sees half a JAR.
    await rename(jar, path);
    return path;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
