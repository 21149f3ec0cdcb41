import { lt, valid } from 'semver';
import { runnerVersion } from '../version.ts';
import { fetchEdgeReleases } from './edge-releases.ts';

export type VersionCheck = {
  version: string;
  minimumVersion: string | null;
  latestVersion: string | null;
  updateRequired: boolean;
  updateAvailable: boolean;
};

const older = (a: string, b: string | null) => !!b && !!valid(a) && !!valid(b) && lt(a, b);

/** This runner's version against the edge's minimum and latest; undefined when the edge cannot be asked. */
export async function checkRunnerVersion(
  edgeUrl: string,
  timeoutMs = 3_000,
): Promise<VersionCheck | undefined> {
  try {
    const { minimum, latest } = await fetchEdgeReleases(edgeUrl, { timeoutMs });
    return {
      version: runnerVersion,
      minimumVersion: minimum,
      latestVersion: latest,
      updateRequired: older(runnerVersion, minimum),
      updateAvailable: older(runnerVersion, latest),
    };
  } catch {
    return undefined;
  }
}

/** The status line: the version, and in words whether the edge wants a newer one. */
export function versionLine(check: VersionCheck | undefined): string {
  const head = `  version:    ${runnerVersion}`;
  if (!check) return head;
  if (check.updateRequired)
    return `${head}: update required, the edge supports runners from ${check.minimumVersion} on; run \`cameleer-runner update\``;
  if (check.updateAvailable)
    return `${head} (${check.latestVersion} is available: \`cameleer-runner update\`)`;
  return head;
}
