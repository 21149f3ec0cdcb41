import type { ApiClient } from './api-client.ts';
import { LogPage, type LogRecord } from './api-schemas.ts';
import { sinceParam } from './duration.ts';

export type StoredLogSearch = {
  app: string;
  env: string;
  /** Milliseconds back from now (default: an hour). */
  since?: number;
  grep?: string;
  level?: string;
  lines: number;
};

/**
 * `cameleer logs --since/--grep`: searches the logs stored in ClickHouse (not the runner's live
 * buffer), newest first on the edge, returned oldest first for reading like a log.
 */
export async function searchStoredLogs(
  api: ApiClient,
  now: Date,
  opts: StoredLogSearch,
): Promise<LogRecord[]> {
  const query = new URLSearchParams({
    app: opts.app,
    environment: opts.env,
    from: sinceParam(now, opts.since ?? 3_600_000),
    limit: String(Math.min(opts.lines, 1000)),
  });
  if (opts.grep) query.set('text', opts.grep);
  if (opts.level) query.set('level', opts.level);
  const { items } = await api.get(api.tenantPath(`/telemetry/logs?${query}`), LogPage);
  return items.reverse();
}

export const formatLogRecord = (r: LogRecord) =>
  `${r.time} ${r.level.toUpperCase().padEnd(5)} ${r.body.replace(/\n+$/, '')}\n`;
