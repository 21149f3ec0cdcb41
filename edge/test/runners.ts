import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Runner, type RunnerOptions, registerRunner, silentLogger } from '@cameleer/runner';

/** Timings that keep reconnects quick in tests. */
export const fastRunnerTiming = {
  backoffBaseMs: 20,
  backoffCapMs: 300,
  stableAfterMs: 50,
  handshakeTimeoutMs: 2000,
  pollWaitSeconds: 1,
};

/** A real runner (the product's), registered against a real edge with a token made through its API. */
export async function startRealRunner(
  edgeUrl: string,
  adminToken: string,
  tenant: string,
  opts: Partial<RunnerOptions> & { name?: string; apiUrl?: string } = {},
) {
  const res = await fetch(`${opts.apiUrl ?? edgeUrl}/api/tenants/${tenant}/runner-tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (res.status !== 201) throw new Error(`runner token: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const stateDir = mkdtempSync(join(tmpdir(), 'cameleer-runner-'));
  const identity = await registerRunner({ edgeUrl, token, stateDir, name: opts.name ?? 'test' });
  const make = () =>
    new Runner({
      stateDir,
      logger: silentLogger,
      capabilities: ['process'],
      timing: fastRunnerTiming,
      ...opts,
    });
  const runner = make();
  await runner.start();
  return { runner, runnerId: identity.runnerId, stateDir, make };
}

export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
