import { importSigningKey, type SigningKey } from '@cameleer/shared';
import { createClient as createClickHouseClient } from '@clickhouse/client-web';
import type { Context, ExecutionContext } from 'hono';
import type { JWK } from 'jose';
import { createApp } from './app.ts';
import { AuthCache } from './auth/auth-cache.ts';
import { createOidcVerifier, type OidcVerifier } from './auth/oidc.ts';
import { createStripeBilling, type StripeBilling } from './billing/stripe-billing.ts';
import { systemClock } from './clock.ts';
import type { HonoEnv, Services } from './env.ts';
import { AppError } from './errors.ts';
import { jsonLogger } from './logger.ts';
import { createSecretBox, decodeSecretsKey, type SecretBox } from './secrets/secret-box.ts';
import { clickhouseTelemetryStore } from './telemetry/store.ts';
import { ReplayGuard } from './tunnel/replay-guard.ts';
import { parseBindings, type WorkerBindings } from './worker/bindings.ts';
import { openNeonDatabase } from './worker/database.ts';

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
let commandKeys: { source: string; keys: Promise<SigningKey[]> } | undefined;
let licenceKeys: { source: string; keys: Promise<SigningKey[]> } | undefined;
let signingKey: { source: string; key: Promise<SigningKey> } | undefined;
let oidcVerifier: { source: string; verify: OidcVerifier } | undefined;
let secretBox: { source: string; box: Promise<SecretBox> } | undefined;
let stripeBilling: { source: string; billing: StripeBilling } | undefined;

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
    const bindings = parseBindings(env);
    const database = openNeonDatabase(
      { url: bindings.DATABASE_URL, wsProxy: bindings.NEON_WS_PROXY },
      jsonLogger,
    );
    // Per request like the database: a fetch-based client holds no socket across requests.
    const clickhouse = bindings.CLICKHOUSE_URL
      ? createClickHouseClient({
          url: bindings.CLICKHOUSE_URL,
          ...(bindings.CLICKHOUSE_USER ? { username: bindings.CLICKHOUSE_USER } : {}),
          ...(bindings.CLICKHOUSE_PASSWORD ? { password: bindings.CLICKHOUSE_PASSWORD } : {}),
          ...(bindings.CLICKHOUSE_DATABASE ? { database: bindings.CLICKHOUSE_DATABASE } : {}),
        })
      : undefined;
    const services: Services = {
      db: database.db,
      clock: systemClock,
      sessionKeys: [await sessionKeyOf(bindings)],
      oidc: oidcOf(bindings),
      authCache,
      // Runner tunnels on Workers (a Durable Object hub) come later; registration already answers with these keys.
      commandKeys: await commandKeysOf(bindings),
      licenceKeys: await licenceKeysOf(bindings),
      replayGuard,
      secretBox: await secretBoxOf(bindings),
      billing: billingOf(bindings),
      ...(clickhouse ? { telemetry: clickhouseTelemetryStore(clickhouse) } : {}),
      settings: {
        publicUrl: bindings.PUBLIC_URL,
        appsDomain: bindings.APPS_DOMAIN,
        maxBodyBytes: 1024 * 1024,
        sessionTtlSeconds: 12 * 3600,
        heartbeatIntervalMs: 15_000,
      },
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

function sessionKeyOf(bindings: WorkerBindings): Promise<SigningKey> {
  const source = JSON.stringify(bindings.SESSION_KEY);
  if (signingKey?.source !== source) {
    const key = importSigningKey(bindings.SESSION_KEY as JWK).catch((err: unknown) => {
      signingKey = undefined;
      throw new AppError('internal', `The worker's bindings are invalid (SESSION_KEY: ${String(err)})`);
    });
    signingKey = { source, key };
  }
  return signingKey.key;
}

function commandKeysOf(bindings: WorkerBindings): Promise<SigningKey[]> {
  const source = JSON.stringify(bindings.COMMAND_KEYS ?? []);
  if (commandKeys?.source !== source) {
    const list = bindings.COMMAND_KEYS ?? [];
    commandKeys = { source, keys: Promise.all(list.map((jwk) => importSigningKey(jwk as JWK))) };
  }
  return commandKeys.keys;
}

function licenceKeysOf(bindings: WorkerBindings): Promise<SigningKey[]> {
  const source = JSON.stringify(bindings.LICENCE_KEYS ?? []);
  if (licenceKeys?.source !== source) {
    const list = bindings.LICENCE_KEYS ?? [];
    licenceKeys = { source, keys: Promise.all(list.map((jwk) => importSigningKey(jwk as JWK))) };
  }
  return licenceKeys.keys;
}

function secretBoxOf(bindings: WorkerBindings): Promise<SecretBox> | undefined {
  const source = bindings.SECRETS_KEY;
  if (!source) return undefined;
  if (secretBox?.source !== source) {
    const box = Promise.resolve(source)
      .then((s) => createSecretBox(decodeSecretsKey(s)))
      .catch((err: unknown) => {
        secretBox = undefined;
        throw new AppError('internal', `The worker's bindings are invalid (SECRETS_KEY: ${String(err)})`);
      });
    secretBox = { source, box };
  }
  return secretBox.box;
}

/** One Stripe client per isolate (it holds no socket: fetch per call), rebuilt when its bindings change. */
function billingOf(bindings: WorkerBindings): StripeBilling | undefined {
  if (!bindings.STRIPE_SECRET_KEY) return undefined;
  const config = {
    secretKey: bindings.STRIPE_SECRET_KEY,
    webhookSecret: bindings.STRIPE_WEBHOOK_SECRET,
    prices: { mid: bindings.STRIPE_PRICE_MID, high: bindings.STRIPE_PRICE_HIGH },
    apiBase: bindings.STRIPE_API_BASE,
  };
  const source = JSON.stringify(config);
  if (stripeBilling?.source !== source) stripeBilling = { source, billing: createStripeBilling(config) };
  return stripeBilling.billing;
}

function oidcOf(bindings: WorkerBindings): OidcVerifier | undefined {
  if (!bindings.OIDC_ISSUER || !bindings.OIDC_AUDIENCE) return undefined;
  const settings = {
    issuer: bindings.OIDC_ISSUER,
    audience: bindings.OIDC_AUDIENCE,
    jwksUri: bindings.OIDC_JWKS_URI,
    tenantClaim: 'organization_id',
    rolesClaim: 'roles',
    clockToleranceSeconds: 30,
  };
  const source = JSON.stringify(settings);
  if (oidcVerifier?.source !== source) oidcVerifier = { source, verify: createOidcVerifier(settings) };
  return oidcVerifier.verify;
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
};

// Workers load the module's default export as the handler.
// biome-ignore lint/style/noDefaultExport: required by the Workers runtime
export default worker;
