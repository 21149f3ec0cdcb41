import { appendFileSync, renameSync, statSync } from 'node:fs';

export type LogFields = Record<string, unknown>;
export type Logger = {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
};

const maxLogBytes = 10 * 1024 * 1024;

function line(level: string, message: string, fields?: LogFields): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${new Date().toISOString()} ${level.padEnd(5)} ${message}${extra}\n`;
}

/** Appends to the runner's log file (rotated once at 10 MiB) and, unless quiet, to stderr. */
export function createFileLogger(path: string, opts: { echo?: boolean } = {}): Logger {
  try {
    if (statSync(path).size > maxLogBytes) renameSync(path, `${path}.1`);
  } catch {
    // no log file yet
  }
  const write = (level: string, message: string, fields?: LogFields) => {
    const text = line(level, message, fields);
    try {
      appendFileSync(path, text, { mode: 0o600 });
    } catch {
      // a full disk must not stop the runner
    }
    if (opts.echo) process.stderr.write(text);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
