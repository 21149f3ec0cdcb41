import { useState } from 'react';
import type { components } from '../api/client.ts';
import type { StreamStatus } from './use-event-stream.ts';
import { useResumableStream } from './use-resumable-stream.ts';

export type Deployment = components['schemas']['Deployment'];

/** A list of deployments, newest first, with `d` as it is now (added when new). */
export function upsertDeployment(list: Deployment[], d: Deployment): Deployment[] {
  const rest = list.filter((x) => x.id !== d.id);
  return [d, ...rest].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/**
 * The time a list of deployments is current from, for the edge to send what changed since: the
 * newest change it shows (server time, so the browser's clock does not matter), or the beginning.
 */
export function changedSince(items: Deployment[]): string {
  const newest = Math.max(0, ...items.map((d) => Date.parse(d.updatedAt)));
  return new Date(newest).toISOString();
}

/**
 * Keeps cached deployment lists current from a changes stream of the edge instead of polling:
 * `path` is the stream under the tenant, `since` the time the cached list is current from (null
 * while it is not read yet), `onChange` puts a changed deployment into the cache.
 */
export function useDeploymentChanges(
  tenant: string,
  path: string,
  since: string | null,
  onChange: (d: Deployment) => void,
): StreamStatus {
  // The first time stays: a new address would open a new stream each time the list changes.
  const [from, setFrom] = useState(since);
  if (from === null && since !== null) setFrom(since);
  const url =
    from === null
      ? null
      : `/api/tenants/${encodeURIComponent(tenant)}/${path}?${new URLSearchParams({ since: from })}`;
  return useResumableStream(url, { deployment: (data) => onChange(JSON.parse(data) as Deployment) });
}
