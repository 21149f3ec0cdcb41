import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Answers the edge child's `process.memoryUsage()` right after a forced full GC. */
export const memoryPath = '/__bench/memory';

export type EdgeMemory = NodeJS.MemoryUsage & { connectedRunners: number };

export type TunnelServerProcess = {
  url: string;
  /** A plain `ws` echo server in the same child, the baseline round trip. */
  echoUrl: string;
  memory(): Promise<EdgeMemory>;
  stop(): Promise<void>;
};

const entry = fileURLToPath(new URL('./tunnel-server.ts', import.meta.url));

/** Starts `bench/tunnel-server.ts` with `--expose-gc` in its own process and waits for the URLs it prints. */
export async function spawnTunnelServer(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<TunnelServerProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = () => kill(child);
  try {
    const { url, echoUrl } = await readyLine(child, timeoutMs);
    const memory = async () => {
      const res = await fetch(`${url}${memoryPath}`);
      if (!res.ok) throw new Error(`${memoryPath}: HTTP ${res.status}`);
      return (await res.json()) as EdgeMemory;
    };
    return { url, echoUrl, memory, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function readyLine(child: ChildProcess, timeoutMs: number): Promise<{ url: string; echoUrl: string }> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`bench tunnel server did not start in ${timeoutMs} ms`)),
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
        const { url, echoUrl } = JSON.parse(line) as { url?: unknown; echoUrl?: unknown };
        if (typeof url === 'string' && typeof echoUrl === 'string') done(() => ok({ url, echoUrl }));
      } catch {
        // not our line; keep waiting
      }
    });
    child.once('exit', (code, signal) =>
      done(() => fail(new Error(`bench tunnel server exited early (code ${code}, signal ${signal})`))),
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
