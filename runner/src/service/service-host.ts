import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dockerSocketPath } from '../capabilities.ts';

export type HostCommandResult = { code: number; stdout: string; stderr: string };

/**
 * What installing a service does to the machine besides writing files: the seam tests replace,
 * since no systemd runs as PID 1 where they run.
 */
export type ServiceHost = {
  isRoot(): boolean;
  /** Runs a program (systemctl, useradd, chown, id) without a shell. */
  run(command: string, args: string[]): Promise<HostCommandResult>;
  hasDockerSocket(): boolean;
  /** The command that runs this very runner. */
  runnerExec(): string[];
};

export const realServiceHost: ServiceHost = {
  isRoot: () => process.getuid?.() === 0,
  run: (command, args) =>
    new Promise((resolve) => {
      execFile(command, args, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
        resolve({ code, stdout, stderr: stderr || (err && code === 127 ? err.message : '') });
      });
    }),
  hasDockerSocket: () => existsSync(dockerSocketPath),
  runnerExec,
};

/**
 * The single-file runner is its own executable (`process.execPath`); run from a clone, it is Node
 * with the runner's script.
 */
function runnerExec(): string[] {
  const script = process.argv[1];
  if (isSingleExecutable() || !script) return [process.execPath];
  return [process.execPath, realpathSync(script)];
}

function isSingleExecutable(): boolean {
  const sea = process.getBuiltinModule?.('node:sea') as { isSea?: () => boolean } | undefined;
  return sea?.isSea?.() ?? false;
}
