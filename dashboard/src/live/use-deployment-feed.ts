import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { components } from '../api/client.ts';
import type { StreamStatus } from './use-event-stream.ts';
import { useResumableStream } from './use-resumable-stream.ts';

type DeploymentDetail = components['schemas']['DeploymentDetail'];
type TimelineEvent = DeploymentDetail['events'][number];
export type BuildLine = { seq: number; at: string; text: string };

/** The browser keeps this many lines of build output: a long build must not slow the tab down. */
const keptLines = 2_000;

export const deploymentKey = (tenant: string, deploymentId: string) =>
  ['deployment', tenant, deploymentId] as const;

export type DeploymentFeed = {
  status: StreamStatus;
  /** The timeline as streamed; null until the stream delivered its first event. */
  events: TimelineEvent[] | null;
  lines: BuildLine[];
};

/**
 * Follows one deployment live: its timeline grows and its build output streams in, and the
 * cached deployment takes each new state at once. When it settles, the deployment is read once
 * more for what the stream does not carry (its address).
 */
export function useDeploymentFeed(tenant: string, deploymentId: string): DeploymentFeed {
  const queryClient = useQueryClient();
  const [events, setEvents] = useState<TimelineEvent[] | null>(null);
  const [lines, setLines] = useState<BuildLine[]>([]);
  const seq = useRef(0);
  // The page stays mounted when it moves to another deployment: that one's stream starts from nothing.
  const [following, setFollowing] = useState(deploymentId);
  if (following !== deploymentId) {
    setFollowing(deploymentId);
    setEvents(null);
    setLines([]);
  }
  const key = deploymentKey(tenant, deploymentId);
  const url = `/api/tenants/${encodeURIComponent(tenant)}/deployments/${encodeURIComponent(deploymentId)}/events`;

  const status = useResumableStream(deploymentId ? url : null, {
    state: (data) => {
      const event = JSON.parse(data) as TimelineEvent;
      setEvents((old) => [...(old ?? []), event]);
      queryClient.setQueryData<DeploymentDetail>(key, (old) =>
        old ? { ...old, state: event.state, reason: event.reason, updatedAt: event.at } : old,
      );
    },
    progress: (data) => {
      const { at, lines: texts } = JSON.parse(data) as { at: string; lines: string[] };
      const added = texts.map((text) => {
        seq.current += 1;
        return { seq: seq.current, at, text };
      });
      setLines((old) => [...old, ...added].slice(-keptLines));
    },
    end: () => void queryClient.invalidateQueries({ queryKey: key, exact: true }),
  });
  return { status, events, lines };
}
