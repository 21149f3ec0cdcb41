import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const script = fileURLToPath(new URL('./pipeline-child.ts', import.meta.url));

export type PipelineChild = {
  child: ChildProcess;
  /** Resolves with the first printed JSON line `until` accepts. */
  waitFor(
    until: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  kill(): Promise<void>;
};

/** Runs `pipeline-child.ts` as its own Node process (tsx's loader, no CLI wrapper between us and it). */
export function startPipelineChild(env: Record<string, string>): PipelineChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (data: Buffer) => {
    buffer += data.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
      for (const wake of waiters) wake();
    }
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  child.on('exit', () => {
    for (const wake of waiters) wake();
  });
  return {
    child,
    waitFor(until, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => done(new Error(`no matching line in ${timeoutMs} ms:\n${stderr}`)),
          timeoutMs,
        );
        const check = () => {
          const line = lines.find(until);
          if (line) return done(undefined, line);
          if (child.exitCode !== null || child.signalCode !== null)
            done(new Error(`child exited:\n${stderr}`));
        };
        const done = (error?: Error, line?: Record<string, unknown>) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error || !line) reject(error);
          else resolve(line);
        };
        waiters.add(check);
        check();
      });
    },
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
