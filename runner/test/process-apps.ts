import { readdirSync, readlinkSync } from 'node:fs';

/**
 * Apps run by the process orchestrator outlive their runner by design; a test stops those it started
 * (their working directory is under the runner's state or data directory) before the directory goes.
 */
export function stopAppsUnder(dir: string): void {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(`${dir}/`)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already, or not ours to read.
    }
  }
}
