import type { components } from '../../api/client.ts';

export type Runner = components['schemas']['Runner'];

/** Green for a runner that answers, grey for one that went quiet, red for one that may never come back. */
export const runnerStatusColor: Record<Runner['status'], string> = {
  online: 'green',
  offline: 'gray',
  revoked: 'red',
};

/** "3 min ago" style, so a glance says whether a quiet runner is a hiccup or gone. */
export function sinceText(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** The transport as people name it; long-poll is the fallback where a proxy refuses WebSockets. */
export function transportText(transport: Runner['transport']): string {
  if (transport === 'websocket') return 'WebSocket';
  if (transport === 'long-poll') return 'HTTP long-poll';
  return '—';
}
