import { z } from 'zod';
import { type HttpFetch, proxiedFetch, readProblem } from '../proxy/http-client.ts';

export const PublishedRelease = z.object({
  version: z.string(),
  platform: z.string(),
  sha256: z.string(),
  size: z.number(),
  signature: z.string(),
  url: z.string(),
});
export type PublishedRelease = z.infer<typeof PublishedRelease>;

/** `GET /runner/releases`: the versions the edge supports and the builds it serves. */
export const EdgeReleases = z.object({
  minimum: z.string().nullable(),
  latest: z.string().nullable(),
  served: z.boolean(),
  releases: z.array(PublishedRelease),
});
export type EdgeReleases = z.infer<typeof EdgeReleases>;

export async function fetchEdgeReleases(
  edgeUrl: string,
  opts: { fetch?: HttpFetch; timeoutMs?: number } = {},
): Promise<EdgeReleases> {
  const url = `${edgeUrl.replace(/\/$/, '')}/runner/releases`;
  const res = await (opts.fetch ?? proxiedFetch)(url, {
    signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
  });
  if (!res.ok) {
    const problem = await readProblem(res);
    throw new Error(`${url} answered ${res.status}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
  const parsed = EdgeReleases.safeParse(await res.json());
  if (!parsed.success) throw new Error(`${url} answered with no runner versions this runner understands`);
  return parsed.data;
}
