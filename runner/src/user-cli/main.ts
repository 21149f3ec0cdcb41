import { CommanderError } from 'commander';
import { processContext } from './cli-context.ts';
import { CliError } from './cli-error.ts';
import { createProgram } from './program.ts';

try {
  await createProgram(processContext()).parseAsync(process.argv);
  // Done: fetch's idle keep-alive connection would otherwise hold the process for a while. Exit
  // once what was written to stdout is flushed (a pipe is written asynchronously).
  await new Promise<void>((flushed) => process.stdout.write('', () => flushed()));
  process.exit();
} catch (err) {
  // Commander has already printed its own errors (and help, which exits 0).
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`cameleer: ${message}\n`);
  if (process.env.CAMELEER_DEBUG && err instanceof Error && !(err instanceof CliError)) {
    process.stderr.write(`${err.stack ?? ''}\n`);
  }
  process.exit(err instanceof CliError ? err.exitCode : 1);
}
