import { queryOptions } from '@tanstack/react-query';

export type Samples = { items: Array<{ version: string; file: string; url: string }> };

/** What the edge offers at /samples: the sample app built with its JDK (Node), or nothing (Workers). */
async function fetchSamples(): Promise<Samples | null> {
  const res = await fetch('/samples', { credentials: 'same-origin' });
  if (!res.ok || !res.headers.get('content-type')?.includes('application/json')) return null;
  return (await res.json()) as Samples;
}

/** Asked by the app page's loader too: on a phone the offer wraps to several rows, pushing the page down. */
export const samplesQuery = queryOptions({
  queryKey: ['samples'],
  queryFn: fetchSamples,
  staleTime: Number.POSITIVE_INFINITY,
});
