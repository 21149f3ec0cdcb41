import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBarePath } from '../edge/src/worker/bench-bare-route.ts';
import { EdgeApi } from './edge-api.ts';
import { type BenchPlan, compareBareAndVerify, type ForwardAuthBench } from './forward-auth.ts';
import { benchHubRoundTrips, type HubRoundTripPlan, type HubRoundTrips } from './hub-round-trip.ts';
import type { LoadResult, LoadTarget } from './load.ts';
import { spawnTunnelServer } from './tunnel-server-process.ts';
import { measureWorkerBundle, type WorkerBundle } from './worker-bundle.ts';
import { benchWorkerdIdle, type WorkerdIdle, type WorkerdIdlePlan } from './workerd-idle.ts';
import { startWorkersEdge, type WorkersEdge } from './workers-edge.ts';

export type WorkersPlan = { forwardAuth: BenchPlan; roundTrip: HubRoundTripPlan; idle: WorkerdIdlePlan };

export type WorkersBench = {
  bundle: WorkerBundle;
  forwardAuth: ForwardAuthBench;
  roundTrip: HubRoundTrips;
  idle: WorkerdIdle;
};

const appsDomain = 'apps.bench.test';

/**
 * The edge in workerd (`wrangler dev`, PostgreSQL through the Neon driver): its bundle, ForwardAuth against a
 * bare route of the same worker, command round trips through the Durable Object next to the Node hub's, and
 * what idle connected runners cost the local workerd process.
 */
export async function benchWorkers(
  plan: WorkersPlan,
  progress: (line: string) => void,
): Promise<WorkersBench> {
  const bundle = await measureWorkerBundle();
  progress('  bundle measured (wrangler deploy --dry-run)');
  const edge = await startWorkersEdge(appsDomain);
  try {
    progress(`  wrangler dev up, workerd pid ${edge.workerdPid}`);
    const forwardAuth = await benchWorkersForwardAuth(edge, plan.forwardAuth, (name, r) =>
      progress(`  ${name.padEnd(6)} ${r.requestsPerSecond.toFixed(0).padStart(8)} req/s`),
    );
    const workersApi = new EdgeApi(edge.url, edge.adminToken);
    const roundTrip = await withNodeEdge((nodeApi) =>
      benchHubRoundTrips(workersApi, nodeApi, plan.roundTrip),
    );
    progress(
      `  ${roundTrip.workers.samples} + ${roundTrip.node.samples} round trips measured, alternating blocks`,
    );
    const idle = await benchWorkerdIdle(workersApi, edge.workerdPid, plan.idle);
    return { bundle, forwardAuth, roundTrip, idle };
  } finally {
    await edge.stop();
  }
}

/** The same method as the Node ForwardAuth bench: warm-up, then alternating rounds of bare and verify. */
async function benchWorkersForwardAuth(
  edge: WorkersEdge,
  plan: BenchPlan,
  onRound: (name: string, r: LoadResult) => void,
): Promise<ForwardAuthBench> {
  return compareBareAndVerify(edge.url, benchBarePath, edge.adminToken, plan, onRound, checkBare);
}

/** The bare route must be the worker's, not the console's single-page fallback served from the assets. */
async function checkBare(target: LoadTarget): Promise<void> {
  const res = await fetch(target.url, { headers: target.headers });
  const body = await res.text();
  if (res.status !== 200 || body !== '')
    throw new Error(
      `${benchBarePath} preflight: expected an empty 200 from the worker, got ${res.status} with ${body.length} bytes`,
    );
}

/** The Node edge as the tunnel bench starts it: a child process on embedded PGlite, no local runner. */
async function withNodeEdge<T>(use: (api: EdgeApi) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-'));
  const adminToken = randomBytes(24).toString('base64url');
  try {
    const server = await spawnTunnelServer({
      CAMELEER_DATA_DIR: dataDir,
      PORT: '0',
      CAMELEER_ADMIN_TOKEN: adminToken,
      CAMELEER_LOCAL_RUNNER: 'false',
    });
    try {
      return await use(new EdgeApi(server.url, adminToken));
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
