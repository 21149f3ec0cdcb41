import { clickhouseConnectionOf, importSigningKey } from '@cameleer/shared';
import { createClient as createClickHouseClient } from '@clickhouse/client-web';
import type { ScheduledController } from '@cloudflare/workers-types';
import type { Context, ExecutionContext } from 'hono';
import { createApp } from './app.ts';
import { importArtifactUrlKeyText } from './artifacts/signed-url.ts';
import { AuthCache } from './auth/auth-cache.ts';
import { createOidcVerifier } from './auth/oidc.ts';
import { createStripeBilling } from './billing/stripe-billing.ts';
import { systemClock } from './clock.ts';
import type { PrivateEd25519Jwk } from './config/fields.ts';
import { edgeSettingsOf, oidcSettingsOf, stripeConfigOf } from './config/settings.ts';
import { parseWorkersConfig } from './config/workers.ts';
import type { HonoEnv, Services } from './env.ts';
import { AppError } from './errors.ts';
import { jsonLogger } from './logger.ts';
import { createSecretBox, decodeSecretsKey } from './secrets/secret-box.ts';
import { runSweeps, sweepsForCron } from './services/sweeps.ts';
import { clickhouseTelemetryStore } from './telemetry/store.ts';
import { ReplayGuard } from './tunnel/replay-guard.ts';
import { openNeonDatabase } from './worker/database.ts';
import { isolateCache } from './worker/isolate-cache.ts';
import { R2ArtifactStore } from './worker/r2-store.ts';

/*
 * The edge on Cloudflare Workers. This entry only wires dependencies.
 * Migrations are not run here: a request must never race a schema change, and
 * the worker's database role may not own the schema. Run them from Node before
 * deploying: `DATABASE_URL=... CAMELEER_PUBLIC_URL=... npx tsx edge/src/node/setup.ts`.
 */

// Isolate scope: built once and shared by every request this isolate serves.
// Nothing here holds a socket; Workers forbid I/O objects across requests.
const authCache = new AuthCache({ max: 10_000, ttlMs: 30_000, negativeTtlMs: 5_000, now: () => Date.now() });
const replayGuard = new ReplayGuard({ max: 100_000, now: () => Date.now() });
const invalidBinding = (name: string) => (err: unknown) => {
  throw new AppError('internal', `The worker's bindings are invalid (${name}: ${String(err)})`);
};
const sessionKeyOf = isolateCache((jwk: PrivateEd25519Jwk) =>
  importSigningKey(jwk).catch(invalidBinding('CAMELEER_SESSION_KEY')),
);
const keyRingOf = (name: string) =>
  isolateCache((jwks: readonly PrivateEd25519Jwk[]) =>
    Promise.all(jwks.map((jwk) => importSigningKey(jwk))).catch(invalidBinding(name)),
  );
const commandKeysOf = keyRingOf('CAMELEER_COMMAND_KEYS');
const licenceKeysOf = keyRingOf('CAMELEER_LICENCE_KEYS');
const secretBoxOf = isolateCache((key: string) =>
  Promise.resolve(key)
    .then((k) => createSecretBox(decodeSecretsKey(k)))
    .catch(invalidBinding('CAMELEER_SECRETS_KEY')),
);
const artifactUrlKeyOf = isolateCache((key: string) =>
  importArtifactUrlKeyText(key).catch(invalidBinding('CAMELEER_ARTIFACT_URL_KEY')),
);
// Neither holds a socket (fetch per call), so one per isolate, rebuilt when its bindings change.
const billingOf = isolateCache(createStripeBilling);
const oidcOf = isolateCache(createOidcVerifier);

/** Per request: services ready for the app, or the reason there are none. */
type RequestScope = { services: Services; close(): Promise<void> } | { error: AppError };
const scopes = new WeakMap<Request, RequestScope>();

const app = createApp({ services: servicesOf });

function servicesOf(c: Context<HonoEnv>): Services {
  const scope = scopes.get(c.req.raw);
  if (!scope) throw new AppError('internal', 'The request reached the app without its services');
  if ('error' in scope) throw scope.error;
  return scope.services;
}

async function openScope(env: Record<string, unknown>): Promise<RequestScope> {
  try {
    const config = parseWorkersConfig(env);
    const database = openNeonDatabase(
      { url: config.DATABASE_URL, wsProxy: config.NEON_WS_PROXY },
      jsonLogger,
    );
    // Per request like the database: a fetch-based client holds no socket across requests.
    const connection = clickhouseConnectionOf(config);
    const clickhouse = connection ? createClickHouseClient(connection) : undefined;
    const oidc = oidcSettingsOf(config);
    const stripe = stripeConfigOf(config);
    const services: Services = {
      db: database.db,
      clock: systemClock,
      sessionKeys: [await sessionKeyOf(config.CAMELEER_SESSION_KEY)],
      oidc: oidc && oidcOf(oidc),
      authCache,
      // Runner tunnels on Workers (a Durable Object hub) come later; registration already answers with these keys.
      commandKeys: await commandKeysOf(config.CAMELEER_COMMAND_KEYS ?? []),
      licenceKeys: await licenceKeysOf(config.CAMELEER_LICENCE_KEYS ?? []),
      replayGuard,
      // Runners download through the edge's signed links, served from the bucket by the same worker.
      artifactStore: config.ARTIFACTS && new R2ArtifactStore(config.ARTIFACTS),
      artifactUrlKey: config.CAMELEER_ARTIFACT_URL_KEY
        ? await artifactUrlKeyOf(config.CAMELEER_ARTIFACT_URL_KEY)
        : undefined,
      secretBox: config.CAMELEER_SECRETS_KEY ? await secretBoxOf(config.CAMELEER_SECRETS_KEY) : undefined,
      billing: stripe && billingOf(stripe),
      ...(clickhouse ? { telemetry: clickhouseTelemetryStore(clickhouse) } : {}),
      settings: edgeSettingsOf(config, config.CAMELEER_PUBLIC_URL),
      log: jsonLogger,
    };
    return {
      services,
      close: async () => {
        await database.close();
        await clickhouse?.close();
      },
    };
  } catch (err) {
    if (err instanceof AppError) return { error: err };
    jsonLogger.error('could not prepare the request', { error: String(err) });
    return { error: new AppError('internal', 'The worker could not prepare its services') };
  }
}

export const worker = {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    const scope = await openScope(env);
    scopes.set(request, scope);
    try {
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

// Workers load the module's default export as the handler.
// biome-ignore lint/style/noDefaultExport: required by the Workers runtime
export default worker;
