import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isProcessAlive, readStatus } from '../state/status-file.ts';

/** The runner of a state directory as it runs now: its pid, and whether systemd supervises it. */
export function runningRunner(stateDir: string): { pid: number; supervised: boolean } | undefined {
  const status = readStatus(stateDir);
  if (!status?.running || !isProcessAlive(status.pid)) return undefined;
  return { pid: status.pid, supervised: underSystemd(status.pid) };
}

/** systemd sets INVOCATION_ID in the environment of what it starts; it restarts the runner itself. */
function underSystemd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .some((v) => v.startsWith('INVOCATION_ID='));
  } catch {
    return false;
  }
}

const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
};

/**
 * Stops the running runner and brings up `executable` in its place: systemd restarts a supervised
 * one; otherwise it is started again in the background, as `start --quiet` logging to its state
 * directory. Resolves with the new pid once it runs, or undefined when none came up in time.
 */
export async function restartRunner(
  executable: string,
  stateDir: string,
  running: { pid: number; supervised: boolean },
  timeoutMs = 60_000,
): Promise<number | undefined> {
  process.kill(running.pid, 'SIGTERM');
  if (!(await until(() => !isProcessAlive(running.pid), timeoutMs))) process.kill(running.pid, 'SIGKILL');
  let exited = false;
  if (!running.supervised) startInBackground(executable, stateDir).once('exit', () => (exited = true));
  const started = () => {
    const now = readStatus(stateDir);
    return !!now?.running && now.pid !== running.pid && isProcessAlive(now.pid);
  };
  if (!(await until(() => exited || started(), timeoutMs)) || exited) return undefined;
  const pid = readStatus(stateDir)?.pid;
  // One that dies right after it wrote its status did not start either.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return pid !== undefined && isProcessAlive(pid) ? pid : undefined;
}

export function startInBackground(executable: string, stateDir: string): ChildProcess {
  const child = spawn(executable, ['start', '--quiet', '--state-dir', stateDir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}
