import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export type EdgeProcess = {
  child: ChildProcess;
  url: string;
  loginUrl: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
};

/** Runs the control plane exactly as `npm start` does, in a child process, and reads what it prints. */
export async function startEdgeProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<EdgeProcess> {
  // Node itself with tsx's loader (not the tsx CLI, which would put a second process between us and the edge).
  const child = spawn(process.execPath, ['--import', 'tsx', 'edge/src/node.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', CAMELEER_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const printed = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner in 120 s:\n${out}\n${err}`)), 120_000);
    child.stdout?.on('data', (d) => {
      out += d;
      if (/auth\/login\?ticket=\S+/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}\n${err}`)));
  });
  return {
    child,
    url: /running at (http:\/\/\S+)/.exec(printed)?.[1] ?? '',
    loginUrl: /(http:\/\/\S+\/auth\/login\?ticket=\S+)/.exec(printed)?.[1] ?? '',
    output: () => out + err,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
