import { rm } from 'node:fs/promises';
import { gt, valid } from 'semver';
import { parseRunnerConfig } from '../config/schema.ts';
import { isSingleFileRunner } from '../embedded-assets.ts';
import { hasIdentity, readIdentity } from '../state/identity.ts';
import { fetchEdgeReleases } from '../update/edge-releases.ts';
import { releasePublicKeyX } from '../update/release-key.ts';
import { releasePlatform } from '../update/release-signature.ts';
import { restartRunner, runningRunner, startInBackground } from '../update/restart-runner.ts';
import { download, previousOf, reportsVersion, restorePrevious, swapIn } from '../update/swap-executable.ts';
import { verifyBuild } from '../update/verify-build.ts';
import { runnerVersion } from '../version.ts';

export type UpdateOptions = { stateDir: string; to?: string; url?: string; restart?: boolean };

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * Replaces this single-file runner with a build the edge serves: downloaded next to it, checked
 * against the announced SHA-256 and the release signature, run once with --version, then renamed
 * over it; the running runner is restarted on it, and put back on the previous build if it fails.
 */
export async function updateCommand(opts: UpdateOptions): Promise<void> {
  const executable = process.execPath;
  if (!isSingleFileRunner())
    throw new Error(
      'update replaces the single-file runner, and this runner runs on Node from a checkout or npm: update it with git pull or npm instead',
    );
  const config = parseRunnerConfig(process.env);
  const publicKey = config.CAMELEER_RELEASE_PUBLIC_KEY ?? releasePublicKeyX;
  const edgeUrl = opts.url ?? (hasIdentity(opts.stateDir) ? readIdentity(opts.stateDir).edgeUrl : undefined);
  if (!edgeUrl) throw new Error('no runner is registered here to ask its edge: name the edge with --url');

  say(`Asking ${edgeUrl} for runner versions…`);
  const versions = await fetchEdgeReleases(edgeUrl);
  const wanted = opts.to ?? versions.latest;
  if (!wanted) throw new Error(`${edgeUrl} names no runner version to update to and serves no builds`);
  say(
    `  this runner: ${runnerVersion}; the edge's latest: ${versions.latest ?? 'none'}, minimum: ${versions.minimum ?? 'none'}`,
  );
  // Only --to goes back to an older version: the edge's latest never downgrades on its own.
  if (!opts.to && valid(wanted) && valid(runnerVersion) && !gt(wanted, runnerVersion)) {
    say(`Already on ${runnerVersion}, as new as the edge's latest: nothing to do.`);
    return;
  }
  const release = versions.releases.find((r) => r.version === wanted && r.platform === releasePlatform);
  if (!release)
    throw new Error(
      `${edgeUrl} serves no ${releasePlatform} build of ${wanted}${versions.served ? '' : ' (it serves no runner builds at all)'}`,
    );

  say(`Downloading ${wanted} (${(release.size / 2 ** 20).toFixed(0)} MiB) from ${release.url}…`);
  const staged = await download(release.url, executable);
  try {
    const sha256 = await verifyBuild(staged, release, publicKey);
    say(`  verified: SHA-256 ${sha256} and the release signature`);
    const check = await reportsVersion(staged, wanted);
    if (!check.ok)
      throw new Error(
        `the downloaded runner does not start as ${wanted} (it said: ${check.said}); nothing was replaced`,
      );
    say(`  it starts: --version says ${wanted}`);
    await swapIn(staged, executable);
  } catch (err) {
    await rm(staged, { force: true });
    throw err;
  }
  say(`Swapped: ${executable} is ${wanted}; the previous one is kept as ${previousOf(executable)}`);
  await restartIfRunning(executable, opts, wanted);
}

async function restartIfRunning(executable: string, opts: UpdateOptions, version: string): Promise<void> {
  const running = runningRunner(opts.stateDir);
  if (!running)
    return say('No runner runs from this state directory: the next `start` runs the new version.');
  if (opts.restart === false)
    return say(`The runner (pid ${running.pid}) runs the old version until it restarts.`);
  say(`Restarting the runner (pid ${running.pid})${running.supervised ? ' through systemd' : ''}…`);
  const pid = await restartRunner(executable, opts.stateDir, running);
  if (pid !== undefined) return say(`✓ The runner runs ${version} (pid ${pid}).`);

  await restorePrevious(executable);
  const back = runningRunner(opts.stateDir);
  if (!back && !running.supervised) startInBackground(executable, opts.stateDir);
  throw new Error(
    `the runner did not start on ${version}: the previous version is restored at ${executable} and started again; see \`cameleer-runner logs\``,
  );
}
