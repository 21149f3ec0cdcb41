import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type ServerOptions = {
  /** The child's TypeScript entry point, run under tsx. */
  entry: string;
  /** Node flags before `--import tsx`, e.g. `--expose-gc`. */
  nodeArgs?: string[];
  env: Record<string, string>;
  timeoutMs?: number;
};

/** The JSON line the child prints on stdout once it listens: at least its `url`. */
export type ReadyLine = { url: string } & Record<string, unknown>;

export type ServerChild = { ready: ReadyLine; stop(): Promise<void> };

/**
 * Starts a bench server in its own process, so the load generator does not share its event loop,
 * and waits for its ready line. The child exits when its stdin closes, so it never outlives the bench.
 */
export async function spawnServer({
  entry,
  nodeArgs = [],
  env,
  timeoutMs = 60_000,
}: ServerOptions): Promise<ServerChild> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = () => kill(child);
  try {
    return { ready: await readyLine(child, entry, timeoutMs), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function readyLine(child: ChildProcess, entry: string, timeoutMs: number): Promise<ReadyLine> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${entry} did not start in ${timeoutMs} ms`)), timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      lines.close();
      fn();
    };
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const ready = JSON.parse(line) as ReadyLine;
        if (typeof ready.url === 'string') done(() => ok(ready));
      } catch {
        // not our line; keep waiting
      }
    });
    child.once('exit', (code, signal) =>
      done(() => fail(new Error(`${entry} exited early (code ${code}, signal ${signal})`))),
    );
    child.once('error', (err) => done(() => fail(err)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
