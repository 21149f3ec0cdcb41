import { hash } from 'node:crypto';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { getRequestListener, serve } from '@hono/node-server';
import { type App, createApp } from '../app.ts';
import { AuthCache } from '../auth/auth-cache.ts';
import { createOidcVerifier } from '../auth/oidc.ts';
import { createStripeBilling } from '../billing/stripe-billing.ts';
import { bootstrap } from '../bootstrap.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { NodeConfig } from '../config/node.ts';
import { edgeSettingsOf, oidcSettingsOf, stripeConfigOf } from '../config/settings.ts';
import type { Services } from '../env.ts';
import { jsonLogger, type Logger } from '../logger.ts';
import { runnerEvents } from '../services/runner-events.ts';
import { commandDeadlineSweep } from '../services/sweeps.ts';
import { clickhouseTelemetryStore } from '../telemetry/store.ts';
import { LocalHub } from '../tunnel/local-hub.ts';
import { ReplayGuard } from '../tunnel/replay-guard.ts';
import { loadArtifactUrlKey } from './artifact-url-key.ts';
import { createTelemetryClickHouse, type TelemetryClickHouse } from './clickhouse-client.ts';
import { loadConsoleAssets } from './console-assets.ts';
import { type Database, openPglite, openPostgres } from './database.ts';
import { FileArtifactStore } from './fs-artifact-store.ts';
import { loadCommandKeys, loadLicenceKeys, loadSigningKey } from './key-files.ts';
import { type LocalRunner, startLocalRunner } from './local-runner.ts';
import { runnerReleasesDir } from './runner-releases-dir.ts';
import { sampleAppRoutes } from './sample-app.ts';
import { loadSecretBox } from './secrets-key.ts';
import { startSweepTimers } from './sweep-timers.ts';
import { attachWebSocketTunnel } from './ws-tunnel.ts';

export type RunningEdge = {
  url: string;
  /** The local runner beside the edge, when CAMELEER_LOCAL_RUNNER is on. */
  localRunner: LocalRunner | undefined;
  loginUrl: string;
  app: App;
  services: Services;
  hub: LocalHub;
  database: Database;
  /** Where logs, traces and metrics are stored, unless CAMELEER_TELEMETRY is off. */
  telemetry: TelemetryClickHouse | undefined;
  close(): Promise<void>;
};

/** Wires the Node dependencies, migrates, bootstraps and listens: API, console and runner tunnel on one port. */
export async function startEdge(
  config: NodeConfig,
  opts: { clock?: Clock; log?: Logger; extend?: (app: App) => void } = {},
): Promise<RunningEdge> {
  const dataDir = resolve(config.CAMELEER_DATA_DIR);
  const clock = opts.clock ?? systemClock;
  const keysDir = resolve(dataDir, 'keys');
  // The embedded databases start side by side: each spends most of its start waiting on its own engine.
  const opening = Promise.allSettled([
    config.DATABASE_URL
      ? openPostgres(config.DATABASE_URL, config.DATABASE_MIGRATION_URL)
      : openPglite(resolve(dataDir, 'pgdata')),
    config.CAMELEER_TELEMETRY
      ? createTelemetryClickHouse({
          ...config,
          dataDir,
          ...(config.CAMELEER_CLICKHOUSE_EMBEDDED_PORT !== undefined
            ? { embeddedPort: config.CAMELEER_CLICKHOUSE_EMBEDDED_PORT }
            : {}),
        })
      : undefined,
  ]);
  const keys = await loadKeys(config, keysDir).catch(async (err: unknown) => {
    await Promise.all((await opening).map((r) => (r.status === 'fulfilled' ? r.value?.close() : undefined)));
    throw err;
  });
  const { sessionKey, commandKeys, licenceKeys, artifactUrlKey, secretBox } = keys;
  const [opened, openedTelemetry] = await opening;
  if (opened.status === 'rejected' || openedTelemetry.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close();
    if (openedTelemetry.status === 'fulfilled') await openedTelemetry.value?.close();
    throw opened.status === 'rejected' ? opened.reason : (openedTelemetry as PromiseRejectedResult).reason;
  }
  const database = opened.value;
  const telemetry = openedTelemetry.value;

  const server = serve({
    fetch: () => new Response(null, { status: 503 }),
    port: config.PORT,
    hostname: config.HOST,
  });
  await new Promise<void>((ok, fail) => server.once('listening', ok).once('error', fail));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const publicUrl = (config.CAMELEER_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const now = () => clock.now().getTime();
  const oidc = oidcSettingsOf(config);
  const stripe = stripeConfigOf(config);

  const hub = new LocalHub(() => services, runnerEvents);
  const services: Services = {
    db: database.db,
    clock,
    sessionKeys: [sessionKey],
    commandKeys,
    licenceKeys,
    oidc: oidc && createOidcVerifier(oidc),
    authCache: new AuthCache({
      max: 10_000,
      ttlMs: 30_000,
      negativeTtlMs: 5_000,
      now,
      hash: (token) => hash('sha256', token, 'hex'),
    }),
    replayGuard: new ReplayGuard({ max: 100_000, now }),
    tunnel: hub,
    artifactStore: new FileArtifactStore(resolve(dataDir, 'artifacts')),
    ...(config.CAMELEER_RUNNER_RELEASES_DIR
      ? { runnerReleases: runnerReleasesDir(resolve(config.CAMELEER_RUNNER_RELEASES_DIR)) }
      : {}),
    artifactUrlKey,
    secretBox,
    ...(telemetry ? { telemetry: clickhouseTelemetryStore(telemetry.client) } : {}),
    billing: stripe && createStripeBilling(stripe),
    settings: { ...edgeSettingsOf(config, publicUrl), localLink: true },
    log: opts.log ?? jsonLogger,
  };
  const { loginUrl } = await bootstrap(database.db, clock, {
    adminToken: config.CAMELEER_ADMIN_TOKEN,
    publicUrl,
  });
  const consoleAssets = loadConsoleAssets();
  const app = createApp({ services, ...(consoleAssets ? { console: consoleAssets } : {}) });
  app.route('/', sampleAppRoutes(resolve(dataDir, 'samples')));
  opts.extend?.(app);
  // Swap the placeholder handler for the real app now that everything is ready.
  server.removeAllListeners('request');
  server.on('request', getRequestListener(app.fetch));
  const wss = attachWebSocketTunnel(server as Server, hub, () => services);
  hub.start();
  const stopSweeps = startSweepTimers(
    { db: database.db, clock, log: services.log },
    { [commandDeadlineSweep.name]: config.CAMELEER_COMMAND_SWEEP_MS },
  );

  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  const loopback = ['0.0.0.0', '::'].includes(config.HOST) ? `http://127.0.0.1:${port}` : url;
  const localRunner = config.CAMELEER_LOCAL_RUNNER
    ? await startLocalRunner(services, { edgeUrl: loopback, dataDir, telemetry: telemetry?.connection })
    : undefined;

  return {
    url,
    localRunner,
    loginUrl,
    app,
    services,
    hub,
    database,
    telemetry,
    close: async () => {
      await localRunner?.stop();
      await telemetry?.close();
      stopSweeps();
      hub.stop();
      wss.close();
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      (server as Server).closeAllConnections();
      await closed;
      await database.close();
    },
  };
}

async function loadKeys(config: NodeConfig, keysDir: string) {
  return {
    sessionKey: await loadSigningKey(config.CAMELEER_SESSION_KEY, resolve(keysDir, 'session.jwk')),
    commandKeys: await loadCommandKeys(config.CAMELEER_COMMAND_KEYS, keysDir),
    licenceKeys: await loadLicenceKeys(config.CAMELEER_LICENCE_KEYS, keysDir),
    artifactUrlKey: await loadArtifactUrlKey(
      config.CAMELEER_ARTIFACT_URL_KEY,
      resolve(keysDir, 'artifact-url.key'),
    ),
    secretBox: await loadSecretBox(config.CAMELEER_SECRETS_KEY, resolve(keysDir, 'secrets.key')),
  };
}
