import { z } from 'zod';

/** What a published single-file runner build says about itself (`*.release.json` beside it). */
export const RunnerRelease = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/),
  platform: z.string().regex(/^[a-z0-9]+-[a-z0-9]+$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
  signature: z.string().min(1),
});
export type RunnerRelease = z.infer<typeof RunnerRelease>;

/** The single-file runner builds this edge serves; on Node a directory, on Workers none. */
export interface RunnerReleaseStore {
  list(): Promise<RunnerRelease[]>;
  /** The executable's bytes, or undefined when that version and platform are not published. */
  open(version: string, platform: string): Promise<ReadableStream<Uint8Array> | undefined>;
}
