import { gt, lt, rsort, valid } from 'semver';
import type { RunnerRelease } from './release-store.ts';

export type RunnerVersionSettings = {
  /** Runners older than this are told to update; unset: none is. */
  minimum?: string;
  /** The version `cameleer-runner update` installs; unset: the newest published. */
  latest?: string;
};

/** Whether a runner reporting `version` must update. A version that is not semver is never flagged. */
export function updateRequired(version: string, settings: RunnerVersionSettings | undefined): boolean {
  const minimum = settings?.minimum;
  return !!minimum && !!valid(version) && lt(version, minimum);
}

/** The versions the edge supports: its minimum, the one to install, and the published builds, newest first. */
export function runnerVersions(settings: RunnerVersionSettings | undefined, releases: RunnerRelease[]) {
  const published = rsort(releases.map((r) => r.version).filter((v, i, all) => all.indexOf(v) === i));
  const newest = published[0];
  const latest = settings?.latest ?? newest ?? null;
  const minimum = settings?.minimum ?? null;
  const order = (a: RunnerRelease, b: RunnerRelease) =>
    gt(a.version, b.version) ? -1 : gt(b.version, a.version) ? 1 : 0;
  return { minimum, latest, releases: [...releases].sort(order) };
}
