/**
 * Every deploy leaves an image per version behind. An app keeps its newest few, so a rollback
 * starts at once, and the rest go; removing the app drops them all. Images a container still
 * uses (another environment runs that version, or a stopped instance) are the engine's to keep.
 */
import type Docker from 'dockerode';
import type { AppRef } from '../orchestrator.ts';
import { LABEL } from './labels.ts';

export const defaultImagesKept = 3;

/** Removes the app's images but the `keep` newest; returns the ids removed. */
export async function pruneAppImages(
  docker: Docker,
  ref: Pick<AppRef, 'tenant' | 'app'>,
  keep: number,
): Promise<string[]> {
  const images = await docker.listImages({
    filters: { label: [`${LABEL.tenant}=${ref.tenant}`, `${LABEL.app}=${ref.app}`] },
  });
  const stale = images.sort((a, b) => b.Created - a.Created).slice(keep);
  const removed: string[] = [];
  for (const image of stale) {
    try {
      await docker.getImage(image.Id).remove();
      removed.push(image.Id);
    } catch (err) {
      // 409: in use by a container; 404: gone already.
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== 409 && status !== 404) throw err;
    }
  }
  return removed;
}
