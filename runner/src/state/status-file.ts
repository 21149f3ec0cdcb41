import { readFileSync } from 'node:fs';
import type { Transport } from '@cameleer/shared';
import { z } from 'zod';
import { stateFiles, writeFileAtomic } from './state-dir.ts';

/** What the running process says about itself, for `cameleer-runner status`. */
export const RunnerStatus = z.object({
  pid: z.number().int(),
  running: z.boolean(),
  connected: z.boolean(),
  transport: z.enum(['websocket', 'long-poll']).nullable(),
  edgeUrl: z.string(),
  startedAt: z.string(),
  /** Since when the runner has been in its current connected/disconnected state. */
  since: z.string(),
  lastHeartbeatAt: z.string().nullable(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export type RunnerStatus = z.infer<typeof RunnerStatus> & { transport: Transport | null };

export function writeStatus(stateDir: string, status: RunnerStatus): void {
  writeFileAtomic(stateFiles(stateDir).status, `${JSON.stringify(status, null, 2)}\n`);
}

export function readStatus(stateDir: string): RunnerStatus | undefined {
  try {
    const parsed = RunnerStatus.safeParse(JSON.parse(readFileSync(stateFiles(stateDir).status, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the status file still runs. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
