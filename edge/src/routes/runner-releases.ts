import { Hono } from 'hono';
import type { HonoEnv } from '../env.ts';
import { AppError, problemResponse } from '../errors.ts';
import { runnerVersions } from '../runner-releases/runner-versions.ts';

/**
 * The runner versions this edge supports and the single-file builds it serves, public like the
 * licence keys: the install line downloads a runner before it has any credential, and each build
 * carries the release signature the runner checks before it swaps one in.
 */
export const runnerReleaseRoutes = new Hono<HonoEnv>()
  .get('/runner/releases', async (c) => {
    const { runnerReleases, settings } = c.get('services');
    const releases = (await runnerReleases?.list()) ?? [];
    const { minimum, latest, releases: sorted } = runnerVersions(settings.runnerVersions, releases);
    const base = `${settings.publicUrl}/runner/releases`;
    return c.json({
      minimum,
      latest,
      // Where no directory of builds is configured (Workers), the versions still say what to run.
      served: !!runnerReleases,
      releases: sorted.map((r) => ({
        ...r,
        url: `${base}/${r.version}/cameleer-runner-${r.platform}`,
      })),
    });
  })
  .get('/runner/releases/:version/:file', async (c) => {
    const { runnerReleases } = c.get('services');
    if (!runnerReleases)
      return problemResponse(
        c,
        new AppError(
          'unavailable',
          'This edge serves no runner builds (CAMELEER_RUNNER_RELEASES_DIR is a setting of the edge on Node)',
        ),
      );
    const { file } = c.req.param();
    // `latest` keeps the install line the same from release to release.
    const version =
      c.req.param('version') === 'latest'
        ? (runnerVersions(c.get('services').settings.runnerVersions, await runnerReleases.list()).latest ??
          'latest')
        : c.req.param('version');
    const platform = /^cameleer-runner-([a-z0-9]+-[a-z0-9]+)$/.exec(file)?.[1];
    const body = platform && (await runnerReleases.open(version, platform));
    if (!body)
      return problemResponse(
        c,
        new AppError('not-found', `This edge serves no runner build ${file} of version ${version}`),
      );
    return c.body(body, 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${file}"`,
    });
  });
