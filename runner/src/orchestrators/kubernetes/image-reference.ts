/**
 * Where a version's image comes from in a cluster: a prebuilt reference (CI pushed it), or the
 * configured registry, where a Kaniko Job pushes it under the same name Docker builds use. Without
 * either setting a deploy fails with what to set.
 */
import { fileSha256 } from '../image-context.ts';
import { type BuiltImage, ImageBuildFailed, type ImageBuildSpec } from '../orchestrator.ts';

export type ImageSource = { template?: string; registry?: string };

export function imageReference(
  source: ImageSource,
  spec: Pick<ImageBuildSpec, 'tenant' | 'app' | 'version'>,
): string {
  const tag =
    spec.version
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || 'latest';
  if (source.template) {
    return source.template
      .replaceAll('{tenant}', spec.tenant)
      .replaceAll('{app}', spec.app)
      .replaceAll('{version}', tag);
  }
  if (source.registry) return `${source.registry.replace(/\/+$/, '')}/${spec.tenant}-${spec.app}:${tag}`;
  throw new ImageBuildFailed(
    'no image for this version: set CAMELEER_KUBERNETES_IMAGE (a prebuilt image reference) or CAMELEER_KUBERNETES_REGISTRY',
    [],
  );
}

export async function referencedImage(source: ImageSource, spec: ImageBuildSpec): Promise<BuiltImage> {
  const tag = imageReference(source, spec);
  const sha256 = spec.sha256 ?? (await fileSha256(spec.appJarPath));
  return { tag, id: tag, sha256 };
}
