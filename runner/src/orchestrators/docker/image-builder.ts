/**
 * Builds an app's image on the Docker engine: the build context (`image-context.ts`, shared with
 * Kaniko builds in a cluster) streamed to the engine as a tar.
 */
import type Docker from 'dockerode';
import { buildProgress } from '../build-progress.ts';
import { fileSha256, imageBuildContext, renderDockerfile } from '../image-context.ts';
import type { JavaSearch } from '../java-on-path.ts';
import { type BuiltImage, ImageBuildFailed, type ImageBuildSpec, type Progress } from '../orchestrator.ts';
import { ensureBaseImage } from './base-image.ts';
import { DEFAULT_JRE_IMAGE } from './image-defaults.ts';
import { LABEL } from './labels.ts';

export { renderDockerfile } from '../image-context.ts';
export { type BuiltImage, ImageBuildFailed, type ImageBuildSpec } from '../orchestrator.ts';
export { APP_UID, DEFAULT_JRE_IMAGE } from './image-defaults.ts';

/** `cameleer/{tenant}-{app}:{version}`, with the version made a valid Docker tag. */
export function imageTag(tenant: string, app: string, version: string): string {
  const tag =
    version
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || 'latest';
  return `cameleer/${tenant}-${app}:${tag}`;
}

export async function buildAppImage(
  docker: Docker,
  spec: ImageBuildSpec,
  progress: Progress,
  /** Where the JDK that makes the default base image is looked for. */
  jdk: JavaSearch = process.env,
): Promise<BuiltImage> {
  const tag = imageTag(spec.tenant, spec.app, spec.version);
  await ensureBaseImage(docker, spec.baseImage ?? DEFAULT_JRE_IMAGE, progress, jdk).catch((err: Error) => {
    throw new ImageBuildFailed(err.message, []);
  });
  const sha256 = spec.sha256 ?? (await fileSha256(spec.appJarPath));
  const labels = { [LABEL.tenant]: spec.tenant, [LABEL.app]: spec.app };
  const context = await imageBuildContext(spec, renderDockerfile({ baseImage: spec.baseImage, labels }));
  const output = await docker.buildImage(context, { t: tag, rm: true, forcerm: true });
  const lines = buildProgress(progress);
  let id = '';
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      output,
      (err) => (err ? reject(err) : resolve()),
      (event: { stream?: string; error?: string; aux?: { ID?: string } }) => {
        if (event.aux?.ID) id = event.aux.ID;
        const text = event.error ?? event.stream;
        if (!text) return;
        for (const line of text.split('\n')) lines.line(line);
        if (event.error)
          reject(new ImageBuildFailed(`image build failed: ${event.error}`, lines.lastLines()));
      },
    );
  })
    .catch((err: unknown) => {
      if (err instanceof ImageBuildFailed) throw err;
      throw new ImageBuildFailed(`image build failed: ${(err as Error).message}`, lines.lastLines());
    })
    .finally(lines.flush);
  if (!id) id = (await docker.getImage(tag).inspect()).Id;
  return { tag, id, sha256 };
}
