import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { stateFiles } from '../state/state-dir.ts';
import { describeStateDir, type StateDirChoice } from '../state/state-dir-lookup.ts';

/**
 * Prints the last lines of the log and, with --follow, what is appended after (surviving rotation).
 * Which runner's log goes to stderr, so stdout is the log alone.
 */
export async function logsCommand(opts: {
  stateDir: StateDirChoice;
  lines: string;
  follow?: boolean;
}): Promise<void> {
  const path = stateFiles(opts.stateDir.dir).log;
  if (opts.stateDir.from !== 'option')
    process.stderr.write(`state dir: ${describeStateDir(opts.stateDir)}\n`);
  const count = Number.parseInt(opts.lines, 10);
  if (!Number.isFinite(count) || count < 0) throw new Error(`--lines must be a number, not "${opts.lines}"`);
  if (!existsSync(path)) {
    if (!opts.follow)
      throw new Error(`no log at ${path}: the runner has not started with this state directory yet`);
  } else {
    const lines = readFileSync(path, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (count > 0) process.stdout.write(`${lines.slice(-count).join('\n')}\n`);
  }
  if (!opts.follow) return;
  let offset = existsSync(path) ? statSync(path).size : 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!existsSync(path)) continue;
    const size = statSync(path).size;
    if (size < offset) offset = 0;
    if (size === offset) continue;
    const fd = openSync(path, 'r');
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    closeSync(fd);
    offset = size;
    process.stdout.write(buffer);
  }
}
