import type { TelemetryStatus } from '../../state/status-file.ts';
import type { TelemetryPipelineStats } from './pipeline.ts';

/**
 * The pipeline's part of the status file, where every record taken is somewhere:
 * taken + carried over = stored + pending + spooled + set aside. Records refused at the door (429)
 * were never taken; the agent sends them again.
 */
export function pipelineStatus(
  flow: TelemetryPipelineStats,
): Omit<TelemetryStatus, 'intakeUrl' | 'clickhouseUrl' | 'malformedRequests' | 'unauthorizedRequests'> {
  return {
    clickhouse: flow.clickhouse,
    accepted: flow.accepted,
    stored: flow.inserted + flow.replayed,
    pending: flow.pendingRows,
    refused: flow.rejected,
    setAside: flow.setAside,
    ...(flow.setAsideReason ? { setAsideReason: flow.setAsideReason } : {}),
    carriedOver: flow.carriedOver,
    spool: { rows: flow.spoolRows, bytes: flow.spoolBytes, budgetBytes: flow.spoolBudgetBytes },
  };
}
