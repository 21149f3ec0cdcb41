import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Marks a JVM as one of ours on its command line, so a recycled pid is never mistaken for it. */
export function instanceMarker(instanceId: string): string {
  return `-Dcameleer.instance=${instanceId}`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is alive and its command line carries this instance's marker. */
export async function isOurs(pid: number, instanceId: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  return (await commandLine(pid)).includes(instanceMarker(instanceId));
}

async function commandLine(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    // no procfs (macOS): ask ps
    try {
      return (await run('ps', ['-p', String(pid), '-o', 'command='])).stdout;
    } catch {
      return '';
    }
  }
}

/** Signals the process group (the JVM was spawned detached, as a group leader), else the pid. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL once `graceMs` has passed; resolves when the pid is gone. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) {
      signal(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(20);
      return;
    }
    await sleep(50);
  }
}
