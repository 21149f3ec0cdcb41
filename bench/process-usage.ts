import { readdir, readFile } from 'node:fs/promises';

/** What Linux says one process uses: resident memory and CPU time so far. */
export type ProcessUsage = { rssBytes: number; cpuMs: number };

/** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat: 100 on every mainstream architecture. */
const ticksPerSecond = 100;

export async function processUsage(pid: number): Promise<ProcessUsage> {
  const [stat, status] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile(`/proc/${pid}/status`, 'utf8'),
  ]);
  return { rssBytes: rssOf(status), cpuMs: cpuMsOf(stat) };
}

/** VmRSS of /proc/PID/status, in bytes. */
export function rssOf(status: string): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error('no VmRSS in /proc/PID/status');
  return Number(kib) * 1024;
}

/** utime + stime of /proc/PID/stat, in ms; the fields are counted after the command name, which may hold spaces. */
export function cpuMsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5); the rest starts at field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error('unreadable /proc/PID/stat');
  return (ticks * 1000) / ticksPerSecond;
}

/** The process named `name` in the process group `pgid` (a detached child's group holds its descendants). */
export async function findInGroup(pgid: number, name: string): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (comm === name && group === pgid) return Number(entry);
  }
  throw new Error(`no ${name} process in process group ${pgid}`);
}
