import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A route answering 200 with no work, behind the same global middleware as /auth/verify. */
export const barePath = '/__bench/bare';

export type ServerProcess = { url: string; stop(): Promise<void> };

const entry = fileURLToPath(new URL('./server.ts', import.meta.url));

/** Starts `bench/server.ts` in its own process and waits for the URL it prints. */
export async function spawnServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = () => kill(child);
  try {
    const url = await firstLineUrl(child, timeoutMs);
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function firstLineUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`bench server did not start in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (fn: () => void) => {
      clearTimeout(timer);
      lines.close();
      fn();
    };
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const { url } = JSON.parse(line) as { url?: unknown };
        if (typeof url === 'string') done(() => ok(url));
      } catch {
        // not our line; keep waiting
      }
    });
    child.once('exit', (code, signal) =>
      done(() => fail(new Error(`bench server exited early (code ${code}, signal ${signal})`))),
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
