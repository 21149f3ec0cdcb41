import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export type Timed = { ms: number; output: string };

export type Started = { ready: Promise<Timed>; output(): string; stop(): Promise<void> };

type Options = { cwd: string; env: Record<string, string>; until?: RegExp; timeoutMs?: number };

/**
 * Starts `cmd` as a user would (its own process, the repository as working directory, its own
 * process group); `ready` resolves when `until` matches what it printed, or when it exits if
 * `until` is undefined. `stop` sends SIGINT to the group, as Ctrl-C in a terminal, SIGKILL 15 s later.
 */
export function startProcess(cmd: string, args: string[], opts: Options): Started {
  const started = performance.now();
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // the group is gone already
    }
  };
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  let out = '';
  const ready = new Promise<Timed>((ok, fail) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      fail(new Error(`${cmd} ${args.join(' ')}: nothing in ${opts.timeoutMs ?? 120_000} ms:\n${out}`));
    }, opts.timeoutMs ?? 120_000);
    const seen = (d: Buffer) => {
      out += d;
      if (opts.until?.test(out)) {
        clearTimeout(timer);
        ok({ ms: performance.now() - started, output: out });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('error', fail);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!opts.until) ok({ ms: performance.now() - started, output: out });
      else fail(new Error(`${cmd} exited (${code}) before:\n${out}`));
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal('SIGINT');
      const timer = setTimeout(() => signal('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Times `cmd` until `until` matches (then stops it) or until it exits. */
export async function timeProcess(cmd: string, args: string[], opts: Options): Promise<Timed> {
  const child = startProcess(cmd, args, opts);
  try {
    return await child.ready;
  } finally {
    await child.stop();
  }
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** A TCP port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}
