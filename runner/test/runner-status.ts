/** A runner's status file as a live runner writes it (`runner/src/state/status-file.ts`), for tests that read one. */
export function liveRunnerStatus(opts: {
  pid: number;
  telemetry?: { clickhouse: 'up' | 'down'; taken: number; budgetBytes: number };
}) {
  const now = new Date().toISOString();
  return {
    pid: opts.pid,
    running: true,
    connected: true,
    transport: 'websocket' as const,
    edgeUrl: 'http://127.0.0.1:9',
    startedAt: now,
    since: now,
    lastHeartbeatAt: now,
    lastError: null,
    updatedAt: now,
    ...(opts.telemetry
      ? {
          telemetry: {
            intakeUrl: 'http://127.0.0.1:41234',
            clickhouse: opts.telemetry.clickhouse,
            clickhouseUrl: 'http://127.0.0.1:38123/',
            accepted: opts.telemetry.taken,
            stored: opts.telemetry.taken,
            refused: 0,
            malformedRequests: 0,
            unauthorizedRequests: 0,
            spool: { rows: 0, bytes: 0, budgetBytes: opts.telemetry.budgetBytes },
          },
        }
      : {}),
  };
}
