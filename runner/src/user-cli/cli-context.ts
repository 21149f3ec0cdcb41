import { httpFetch } from './http-fetch.ts';

/** What a command may touch of the outside world, so that tests and main can supply it. */
export type CliContext = {
  env: NodeJS.ProcessEnv;
  /** Writes text to standard output as is. */
  write(text: string): void;
  now(): Date;
  fetch: typeof fetch;
};

export function processContext(): CliContext {
  return {
    env: process.env,
    write: (text) => process.stdout.write(text),
    now: () => new Date(),
    fetch: httpFetch,
  };
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.write(`${JSON.stringify(value, null, 2)}\n`);
}
