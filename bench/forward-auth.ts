import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadOptions, type LoadResult, type LoadTarget, median, runLoad } from './load.ts';
import { barePath, type ServerProcess, spawnForwardAuthServer } from './server-process.ts';

export type BenchPlan = LoadOptions & { warmupSeconds: number; rounds: number };

export type TargetSummary = {
  rounds: LoadResult[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
};

export type ForwardAuthBench = { bare: TargetSummary; verify: TargetSummary };

const appsDomain = 'apps.bench.test';

/**
 * ForwardAuth with a valid, cache-warm credential against a bare 200 on the same
 * server, measured in alternating rounds so drift (thermal, GC, neighbours) hits both alike.
 */
export async function benchForwardAuth(
  plan: BenchPlan,
  onRound: (name: string, r: LoadResult) => unknown,
  beforeRound?: (server: ServerProcess) => Promise<void>,
): Promise<ForwardAuthBench> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-'));
  const adminToken = randomBytes(24).toString('base64url');
  const server = await spawnForwardAuthServer({
    CAMELEER_DATA_DIR: dataDir,
    PORT: '0',
    CAMELEER_ADMIN_TOKEN: adminToken,
    CAMELEER_APPS_DOMAIN: appsDomain,
    // The local runner's heartbeats and status writes would share the event loop being measured.
    CAMELEER_LOCAL_RUNNER: 'false',
  }).catch(async (err: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  try {
    const before = beforeRound && (() => beforeRound(server));
    return await compareBareAndVerify(server.url, barePath, adminToken, plan, onRound, undefined, before);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The scenario is only meaningful if the credential really passes. */
export async function checkVerify(target: LoadTarget): Promise<void> {
  const res = await fetch(target.url, { headers: target.headers });
  await res.arrayBuffer();
  if (res.status !== 200 || !res.headers.get('x-tenant-id'))
    throw new Error(
      `/auth/verify preflight: expected 200 with x-tenant-id, got ${res.status} (x-tenant-id: ${res.headers.get('x-tenant-id')})`,
    );
}

export function summarize(rounds: LoadResult[]): TargetSummary {
  return {
    rounds,
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
  };
}

/**
 * `/auth/verify` against the bare route of the same edge (`baseUrl`), with Traefik's request on both
 * so the difference is the work /auth/verify does: a warm-up, then alternating rounds. `preflight`
 * checks the bare route is the edge's own before anything is measured; `beforeRound` runs before each measured round.
 */
export async function compareBareAndVerify(
  baseUrl: string,
  bareRoute: string,
  adminToken: string,
  plan: BenchPlan,
  onRound: (name: string, r: LoadResult) => unknown,
  preflight?: (bare: LoadTarget) => Promise<void>,
  beforeRound?: () => Promise<void>,
): Promise<ForwardAuthBench> {
  const headers = {
    authorization: `Bearer ${adminToken}`,
    'x-forwarded-host': `orders.dev.default.${appsDomain}`,
    'x-forwarded-uri': '/',
    'x-forwarded-proto': 'https',
  };
  const bare: LoadTarget = { url: `${baseUrl}${bareRoute}`, headers };
  const verify: LoadTarget = { url: `${baseUrl}/auth/verify`, headers };
  await checkVerify(verify);
  await preflight?.(bare);

  const warmup = { connections: plan.connections, durationSeconds: plan.warmupSeconds };
  await runLoad(bare, warmup);
  await runLoad(verify, warmup);

  const results: Record<'bare' | 'verify', LoadResult[]> = { bare: [], verify: [] };
  for (let i = 0; i < plan.rounds; i++) {
    for (const [name, target] of [
      ['bare', bare],
      ['verify', verify],
    ] as const) {
      await beforeRound?.();
      const r = await runLoad(target, plan);
      results[name].push(r);
      await onRound(name, r);
    }
  }
  return { bare: summarize(results.bare), verify: summarize(results.verify) };
}
