import { runnerReleasesDir } from '../src/node/runner-releases-dir.ts';
import type { RunnerVersionSettings } from '../src/runner-releases/runner-versions.ts';
import type { TestEdge } from './fixtures.ts';

/** Serves the single-file runner builds in `dir` (as CAMELEER_RUNNER_RELEASES_DIR does) with these versions. */
export function serveRunnerReleases(edge: TestEdge, dir: string, versions: RunnerVersionSettings): void {
  edge.services.runnerReleases = runnerReleasesDir(dir);
  edge.services.settings.runnerVersions = versions;
}
