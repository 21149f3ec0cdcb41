import type { ScheduledController } from '@cloudflare/workers-types';
import type { Context, ExecutionContext } from 'hono';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { parseWorkersConfig } from './config/workers.ts';
import type { HonoEnv, Services } from './env.ts';
import { AppError } from './errors.ts';
import { jsonLogger } from './logger.ts';
import { runSweeps, sweepsForCron } from './services/sweeps.ts';
import { benchBareHandler, benchBarePath } from './worker/bench-bare-route.ts';
import { openNeonDatabase } from './worker/database.ts';
import { openWorkerScope, type WorkerScope } from './worker/services.ts';
import { forwardTunnelUpgrade, isTunnelUpgrade } from './worker/tunnel-upgrade.ts';

/*
 * The edge on Cloudflare Workers. This entry only wires dependencies.
 * Migrations are not run here: a request must never race a schema change, and
 * the worker's database role may not own the schema. Run them from Node before
 * deploying: `DATABASE_URL=... CAMELEER_PUBLIC_URL=... npx tsx edge/src/node/setup.ts`.
 */

/** Per request: services ready for the app, or the reason there are none. */
const scopes = new WeakMap<Request, WorkerScope>();

const app = createApp({ services: servicesOf });
app.get(
  benchBarePath,
  benchBareHandler((c) => {
    const scope = scopes.get(c.req.raw);
    return scope !== undefined && 'config' in scope && scope.config.CAMELEER_BENCH_BARE_ROUTE;
  }),
);

function servicesOf(c: Context<HonoEnv>): Services {
  const scope = scopes.get(c.req.raw);
  if (!scope) throw new AppError('internal', 'The request reached the app without its services');
  if ('error' in scope) throw scope.error;
  return scope.services;
}

export const worker = {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    const scope = await openWorkerScope(env, { waitUntil: (work) => ctx.waitUntil(work) });
    scopes.set(request, scope);
    try {
      // The upgrade never reaches the app: the runner's Durable Object answers it with the socket.
      if (isTunnelUpgrade(request) && 'services' in scope)
        return await forwardTunnelUpgrade(request, scope.services, scope.config.TUNNEL);
      return await app.fetch(request, env, ctx);
    } finally {
      if ('close' in scope) ctx.waitUntil(scope.close());
    }
  },

  /** Cron Triggers (wrangler.toml `[triggers]`): the sweeps Node runs on intervals, each on its own cron. */
  scheduled(controller: ScheduledController, env: Record<string, unknown>, ctx: ExecutionContext): void {
    ctx.waitUntil(sweep(env, controller.cron));
  },
};

async function sweep(env: Record<string, unknown>, cron: string): Promise<void> {
  const sweeps = sweepsForCron(cron);
  if (sweeps.length === 0) {
    jsonLogger.error('no sweep runs on this cron: align wrangler.toml with services/sweeps.ts', { cron });
    return;
  }
  const config = parseWorkersConfig(env);
  const database = openNeonDatabase({ url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY }, jsonLogger);
  try {
    const done = await runSweeps({ db: database.db, clock: systemClock, log: jsonLogger }, sweeps);
    jsonLogger.info('scheduled sweeps done', { cron, ...done });
  } finally {
    await database.close();
  }
}

// The runner tunnel hub's class, named by wrangler.toml's [[durable_objects.bindings]].
export { TunnelHubObject } from './worker/tunnel-hub-object.ts';

// Workers load the module's default export as the handler.
// biome-ignore lint/style/noDefaultExport: required by the Workers runtime
export default worker;
