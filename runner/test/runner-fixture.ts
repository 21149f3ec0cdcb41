import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/logger.ts';
import { registerRunner } from '../src/registration.ts';
import { Runner, type RunnerOptions } from '../src/runner.ts';
import { FakeEdge } from './fake-edge.ts';

export const fastTiming = {
  backoffBaseMs: 20,
  backoffCapMs: 200,
  stableAfterMs: 50,
  handshakeTimeoutMs: 1000,
  pollWaitSeconds: 1,
};

/** A fake edge with one runner registered against it, in a fresh state directory. */
export async function registeredRunner(opts: Partial<RunnerOptions> = {}) {
  const edge = await FakeEdge.start();
  const stateDir = mkdtempSync(join(tmpdir(), 'runner-state-'));
  await registerRunner({ edgeUrl: edge.url, token: 'cmr_reg_valid', stateDir, name: 'test' });
  const make = (extra: Partial<RunnerOptions> = {}) =>
    new Runner({
      stateDir,
      logger: silentLogger,
      capabilities: ['process'],
      timing: fastTiming,
      ...opts,
      ...extra,
    });
  return { edge, stateDir, make };
}

export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
