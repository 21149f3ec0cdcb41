import type { Transport } from '@cameleer/shared';
import { type RunnerStatus, type TelemetryStatus, writeStatus } from './status-file.ts';

/** Keeps the status file current for `cameleer-runner status`; a failed write never stops the runner. */
export class StatusReporter {
  private status: RunnerStatus;
  private telemetryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stateDir: string,
    edgeUrl: string,
  ) {
    const now = new Date().toISOString();
    this.status = {
      pid: process.pid,
      running: true,
      connected: false,
      transport: null,
      edgeUrl,
      startedAt: now,
      since: now,
      lastHeartbeatAt: null,
      lastError: null,
      updatedAt: now,
    };
    this.write();
  }

  connected(transport: Transport): void {
    const now = new Date().toISOString();
    this.update({ connected: true, transport, since: now, lastHeartbeatAt: now, lastError: null });
  }

  heartbeat(): void {
    this.update({ lastHeartbeatAt: new Date().toISOString() });
  }

  disconnected(reason: string): void {
    const since = this.status.connected ? new Date().toISOString() : this.status.since;
    this.update({ connected: false, transport: null, since, lastError: reason });
  }

  failed(reason: string): void {
    this.update({ lastError: reason });
  }

  /** Writes the telemetry counts now and every `intervalMs` while they change, until `stopped()`. */
  followTelemetry(read: () => TelemetryStatus, intervalMs = 2000): void {
    const write = () => {
      const telemetry = read();
      if (JSON.stringify(telemetry) !== JSON.stringify(this.status.telemetry)) this.update({ telemetry });
    };
    write();
    clearInterval(this.telemetryTimer);
    this.telemetryTimer = setInterval(write, intervalMs);
    this.telemetryTimer.unref();
  }

  stopped(): void {
    clearInterval(this.telemetryTimer);
    this.update({ running: false, connected: false, transport: null, since: new Date().toISOString() });
  }

  private update(change: Partial<RunnerStatus>): void {
    this.status = { ...this.status, ...change, updatedAt: new Date().toISOString() };
    this.write();
  }

  private write(): void {
    try {
      writeStatus(this.stateDir, this.status);
    } catch {
      // the status file is a convenience
    }
  }
}
