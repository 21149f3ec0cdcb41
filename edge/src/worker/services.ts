import { clickhouseConnectionOf, importSigningKey } from '@cameleer/shared';
import { createClient as createClickHouseClient } from '@clickhouse/client-web';
import { importArtifactUrlKeyText } from '../artifacts/signed-url.ts';
import { AuthCache } from '../auth/auth-cache.ts';
import { createOidcVerifier } from '../auth/oidc.ts';
import { createStripeBilling } from '../billing/stripe-billing.ts';
import { systemClock } from '../clock.ts';
import type { PrivateEd25519Jwk } from '../config/fields.ts';
import { edgeSettingsOf, oidcSettingsOf, stripeConfigOf } from '../config/settings.ts';
import { parseWorkersConfig, type WorkersConfig } from '../config/workers.ts';
import type { Services } from '../env.ts';
import { AppError } from '../errors.ts';
import { jsonLogger } from '../logger.ts';
import { createSecretBox, decodeSecretsKey } from '../secrets/secret-box.ts';
import { clickhouseTelemetryStore } from '../telemetry/store.ts';
import type { TunnelHub } from '../tunnel/hub.ts';
import { ReplayGuard } from '../tunnel/replay-guard.ts';
import { openNeonDatabase } from './database.ts';
import { DurableHub } from './durable-hub.ts';
import { isolateCache } from './isolate-cache.ts';
import { R2ArtifactStore } from './r2-store.ts';

// Isolate scope: built once and shared by every request (and Durable Object event) this isolate serves.
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

/** Services for one request or one Durable Object event, or the reason there are none. */
export type WorkerScope =
  | { services: Services; config: WorkersConfig; close(): Promise<void> }
  | { error: AppError };

export type ScopeOptions = {
  /** `waitUntil` of the request or object: keeps the hub's fire-and-forget calls alive. */
  waitUntil(work: Promise<unknown>): void;
  /** The hub to use instead of the Durable Object one (the object itself hands its own). */
  tunnel?: TunnelHub;
};

/** Builds the services from the bindings; the database and ClickHouse clients are this scope's, closed by `close`. */
export async function openWorkerScope(
  env: Record<string, unknown>,
  opts: ScopeOptions,
): Promise<WorkerScope> {
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
    const tunnel =
      opts.tunnel ??
      (config.TUNNEL &&
        new DurableHub(config.TUNNEL, database.db, opts.waitUntil, config.CAMELEER_TUNNEL_HEARTBEAT_MS));
    const services: Services = {
      db: database.db,
      clock: systemClock,
      sessionKeys: [await sessionKeyOf(config.CAMELEER_SESSION_KEY)],
      oidc: oidc && oidcOf(oidc),
      authCache,
      commandKeys: await commandKeysOf(config.CAMELEER_COMMAND_KEYS ?? []),
      licenceKeys: await licenceKeysOf(config.CAMELEER_LICENCE_KEYS ?? []),
      replayGuard,
      ...(tunnel ? { tunnel } : {}),
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
      config,
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
