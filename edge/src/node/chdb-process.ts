/**
 * The embedded ClickHouse in a child process (`chdb-server-main.ts`): chDB binds one data directory
 * per process and runs queries on native threads, so a process of its own keeps the edge's event
 * loop and memory apart, lets several edges (and tests) run side by side, and makes stopping it a
 * real outage. The child watches its stdin pipe, so it never outlives the process that started it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ChdbProcess = { url: string; child: ChildProcess; stop(): Promise<void> };

// The built `npm start` (scripts/build-entries.ts) names its built server; from sources, tsx runs it.
const main =
  process.env.CAMELEER_BUILT_CHDB_SERVER ?? fileURLToPath(new URL('./chdb-server-main.ts', import.meta.url));
const startTimeoutMs = 60_000;

export async function spawnChdbServer(dataDir: string, port = 0): Promise<ChdbProcess> {
  // Node itself with tsx's loader: the same TypeScript sources as the parent.
  const child = spawn(
    process.execPath,
    [
      ...(main.endsWith('.ts') ? ['--import', 'tsx'] : []),
      main,
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--watch-stdin',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stderr?.on('data', (d) => {
    out = (out + d).slice(-8192);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded ClickHouse did not start in ${startTimeoutMs / 1000} s:\n${out}`));
    }, startTimeoutMs);
    child.stdout?.on('data', (d) => {
      out = (out + d).slice(-8192);
      const m = /chdb-server listening (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the embedded ClickHouse exited (${code ?? signal}):\n${out}`));
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
