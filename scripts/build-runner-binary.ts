/**
 * Builds the single-file runner: `cameleer-runner` for Linux x64 as one executable, Node's single
 * executable application (SEA) with the CLI bundled into it, so a host needs neither Node nor a
 * checkout. The agent JAR and the OTLP schema ride along as SEA assets.
 *
 *   npx tsx scripts/build-runner-binary.ts [--version 0.2.0] [--out dist] [--public-key X]
 *                                          [--signing-key FILE] [--force]
 *
 * Writes OUT/cameleer-runner-linux-x64 and its .sha256; with a signing key (--signing-key, or the
 * file CAMELEER_RELEASE_SIGNING_KEY names: a private Ed25519 JWK) also its .release.json, the
 * manifest the edge serves from CAMELEER_RUNNER_RELEASES_DIR/<version>/. Builds are cached by
 * input hash under the OS temp dir, so tests building the same version share one.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { build } from 'esbuild';
import { buildAgentJar } from '../runner/src/deploy/agent.ts';
import { embeddedAssetNames } from '../runner/src/embedded-assets.ts';
import { releasePublicKeyX } from '../runner/src/update/release-key.ts';
import {
  releaseFileName,
  releasePlatform,
  sha256OfFile,
  signRelease,
} from '../runner/src/update/release-signature.ts';
import { runnerVersion } from '../runner/src/version.ts';
import { leaveOutOptionalNative } from './node-bundle.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const inputs = [
  'runner/src',
  'runner/java/test-agent',
  'shared/src',
  'package-lock.json',
  'scripts/build-runner-binary.ts',
  'scripts/node-bundle.ts',
];

export type RunnerBinaryOptions = {
  version?: string;
  outDir?: string;
  publicKey?: string;
  signingKeyFile?: string;
  force?: boolean;
  log?: (line: string) => void;
};

export type RunnerBinary = { path: string; sha256: string; version: string; manifest?: string };

export async function buildRunnerBinary(opts: RunnerBinaryOptions = {}): Promise<RunnerBinary> {
  const version = opts.version ?? runnerVersion;
  const signingKeyFile = opts.signingKeyFile ?? process.env.CAMELEER_RELEASE_SIGNING_KEY;
  // A build verifies later releases signed by the key that signs it: Cameleer's own key yields the
  // compiled-in constant, and a key of your own yields builds that accept your releases.
  const publicKey = opts.publicKey ?? (signingKeyFile ? publicKeyOf(signingKeyFile) : releasePublicKeyX);
  const log = opts.log ?? ((line: string) => process.stdout.write(`build-runner-binary: ${line}\n`));
  const outDir = opts.outDir ?? join(root, 'dist');
  if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version))
    throw new Error(`--version must be x.y.z, got ${version}`);

  const key = inputHash({ version, publicKey });
  const cacheDir = join(tmpdir(), 'cameleer-runner-binary', key);
  const cached = join(cacheDir, releaseFileName);
  if (opts.force || !existsSync(cached)) {
    const started = Date.now();
    await buildInto(cacheDir, { version, publicKey, log });
    log(`built ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    pruneCache(join(cacheDir, '..'), 4);
  } else log(`${version} is built already (input hash ${key.slice(0, 12)})`);

  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, releaseFileName);
  copyFileSync(cached, `${path}.tmp`);
  chmodSync(`${path}.tmp`, 0o755);
  renameSync(`${path}.tmp`, path);
  const sha256 = await sha256OfFile(path);
  writeFileSync(`${path}.sha256`, `${sha256}  ${releaseFileName}\n`);
  log(
    `${relative(process.cwd(), path) || path} (${(statSync(path).size / 2 ** 20).toFixed(0)} MiB) sha256 ${sha256}`,
  );

  if (!signingKeyFile) return { path, sha256, version };
  const facts = { version, platform: releasePlatform, sha256 };
  const signature = signRelease(readFileSync(signingKeyFile, 'utf8'), facts);
  const manifest = `${path}.release.json`;
  writeFileSync(manifest, `${JSON.stringify({ ...facts, size: statSync(path).size, signature }, null, 2)}\n`);
  log(`signed: ${relative(process.cwd(), manifest) || manifest}`);
  return { path, sha256, version, manifest };
}

function publicKeyOf(signingKeyFile: string): string {
  const { x } = JSON.parse(readFileSync(signingKeyFile, 'utf8')) as { x?: unknown };
  if (typeof x !== 'string') throw new Error(`${signingKeyFile} is not an Ed25519 private JWK (no "x")`);
  return x;
}

async function buildInto(dir: string, o: { version: string; publicKey: string; log: (l: string) => void }) {
  // Built in a private folder and renamed into place: builds running at once never see half of one.
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, 'work-'));
  mkdirSync(work, { recursive: true });
  o.log('agent JAR (javac)…');
  const agentJar = await buildAgentJar(join(work, 'cameleer-agent.jar'));

  o.log('bundling the CLI with esbuild…');
  const bundle = join(work, 'cameleer-runner.cjs');
  await build({
    entryPoints: [join(root, 'runner/src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    // A SEA's main script has no dynamic import(): esbuild turns them into require().
    supported: { 'dynamic-import': false },
    // Read from disk only from a checkout; in the executable they come from the SEA assets.
    logOverride: { 'empty-import-meta': 'silent' },
    logLevel: 'warning',
    plugins: [
      leaveOutOptionalNative,
      stamp('version.ts', `export const runnerVersion = ${JSON.stringify(o.version)};\n`),
      stamp('release-key.ts', `export const releasePublicKeyX = ${JSON.stringify(o.publicKey)};\n`),
    ],
  });

  o.log('SEA blob…');
  const blob = join(work, 'sea.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: {
        [embeddedAssetNames.agentJar]: agentJar,
        [embeddedAssetNames.otlpProto]: join(root, 'runner/src/telemetry/otlp/proto/otlp.proto'),
      },
    }),
  );
  await run(process.execPath, ['--experimental-sea-config', config], { cwd: work });

  o.log(`injecting it into a copy of node ${process.version} with postject…`);
  const exe = join(work, releaseFileName);
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  // In a child: LIEF, under postject, writes harmless "Can't find string offset" warnings straight to fd 2.
  const postject = createRequire(import.meta.url).resolve('postject');
  const inject = `require(${JSON.stringify(postject)}).inject(process.argv[1], 'NODE_SEA_BLOB', require('node:fs').readFileSync(process.argv[2]), { sentinelFuse: ${JSON.stringify(seaFuse)} })`;
  await run(process.execPath, ['-e', inject, exe, blob]);
  renameSync(exe, join(dir, releaseFileName));
  rmSync(work, { recursive: true, force: true });
}

/** Keeps the newest `keep` builds: each is about 100 MiB, and tests sign each run with a new key. */
function pruneCache(root: string, keep: number) {
  const builds = readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ path: join(root, e.name), at: statSync(join(root, e.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of builds.slice(keep)) rmSync(old.path, { recursive: true, force: true });
}

/** Replaces a module whose file name ends in `name` with `contents`: what the build stamps in. */
function stamp(name: string, contents: string) {
  return {
    name: `stamp-${name}`,
    setup(b: import('esbuild').PluginBuild) {
      const filter = new RegExp(`/runner/src/(update/)?${name.replace('.', '\\.')}$`);
      b.onLoad({ filter }, () => ({ contents, loader: 'ts' as const }));
    },
  };
}

/** A digest of what goes into the executable: sources, lockfile, node, version and public key. */
function inputHash(extra: { version: string; publicKey: string }): string {
  const hash = createHash('sha256');
  hash.update(`${process.version}\0${extra.version}\0${extra.publicKey}\0`);
  for (const input of inputs)
    for (const file of filesUnder(join(root, input))) {
      hash.update(relative(root, file));
      hash.update(readFileSync(file));
    }
  return hash.digest('hex');
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      out: { type: 'string' },
      'public-key': { type: 'string' },
      'signing-key': { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  buildRunnerBinary({
    ...(values.version ? { version: values.version } : {}),
    ...(values.out ? { outDir: values.out } : {}),
    ...(values['public-key'] ? { publicKey: values['public-key'] } : {}),
    ...(values['signing-key'] ? { signingKeyFile: values['signing-key'] } : {}),
    force: values.force ?? false,
  }).catch((err: unknown) => {
    process.stderr.write(`build-runner-binary: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
