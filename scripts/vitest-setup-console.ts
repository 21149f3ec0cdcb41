import { ensureConsoleBuilt } from './console-build.ts';

/** vitest globalSetup: the console is built once before any test, so tests that serve it never build it at once. */
export async function setup(): Promise<void> {
  await ensureConsoleBuilt({ quiet: true });
}
