/**
 * The runner's telemetry: the OTLP intake apps export to, the pipeline into ClickHouse behind it,
 * the deployments' scopes that attribute every record, and the capture of apps' stdout/stderr.
 * Agent tokens are checked against the command keys the runner already trusts, and only for
 * deployments it still runs.
 */
import { createClient } from '@clickhouse/client';
import type { JWK } from 'jose';
import type { Logger } from '../logger.ts';
import type { Orchestrator, RunnerAddress } from '../orchestrators/orchestrator.ts';
import type { HttpFetch } from '../proxy/http-client.ts';
import type { TelemetryStatus } from '../state/status-file.ts';
import { agentTokenVerifier } from './agent-token.ts';
import { type CamelHopsStats, withCamelHops } from './camel/camel-hops-sink.ts';
import { ReplayEndpoints } from './failed-exchanges/replay-endpoints.ts';
import { type IntakeServer, startIntakeServer } from './intake-server.ts';
import { createTelemetryPipeline, pipelineStatus, type TelemetryPipeline } from './pipeline/index.ts';
import { registerProxy } from './register-proxy.ts';
import type { TelemetryScopes } from './scopes.ts';
import { type StdoutCapture, startStdoutCapture } from './stdout-capture.ts';
import type { RunnerTelemetryConfig } from './telemetry-config.ts';

export type RunnerTelemetry = {
  scopes: TelemetryScopes;
  pipeline: TelemetryPipeline;
  intake: IntakeServer;
  /** Where each deployment's agent serves replays, as its failed-exchange reports announce. */
  replayEndpoints: ReplayEndpoints;
  /** The intake's base URL as an app reaches it from where it runs (`Orchestrator.runnerAddress`). */
  intakeUrl(address: RunnerAddress): string;
  /** Counts since start, for the status file. */
  status(): TelemetryStatus;
  close(): Promise<void>;
};

export async function startRunnerTelemetry(opts: {
  stateDir: string;
  edgeUrl: string;
  config: RunnerTelemetryConfig;
  /** The deployments' scopes, which the deploy handlers keep (`TelemetryScopes.open`). */
  scopes: TelemetryScopes;
  /** The command keys the runner trusts now (they rotate). */
  keys: () => readonly JWK[];
  /** Where apps run; stdout/stderr are captured from it. */
  orchestrator?: Orchestrator;
  fetch?: HttpFetch;
  logger: Logger;
}): Promise<RunnerTelemetry> {
  const { config, logger, scopes } = opts;
  const client = createClient({
    url: config.clickhouse.url,
    ...(config.clickhouse.username ? { username: config.clickhouse.username } : {}),
    ...(config.clickhouse.password ? { password: config.clickhouse.password } : {}),
    ...(config.clickhouse.database ? { database: config.clickhouse.database } : {}),
    compression: { request: false, response: false },
  });
  const pipeline = await createTelemetryPipeline({
    ...config.tuning,
    stateDir: opts.stateDir,
    clickhouse: client,
    logger,
  });
  // Where apps reach the runner from: loopback for processes, all interfaces for containers.
  const host = config.intakeHost ?? opts.orchestrator?.runnerAddress.bindHost ?? '127.0.0.1';
  // Spans reach the pipeline at once; the Camel hops resolved from them go with them (or later).
  const camelHops = withCamelHops(pipeline);
  const replayEndpoints = await ReplayEndpoints.open(opts.stateDir, (id) => scopes.has(id));
  let intake: IntakeServer;
  try {
    intake = await startIntakeServer({
      host,
      port: config.intakePort ?? 0,
      verifyToken: agentTokenVerifier(opts.keys, { isLive: (id) => scopes.has(id) }),
      sink: camelHops,
      register: registerProxy({ edgeUrl: opts.edgeUrl, ...(opts.fetch ? { fetch: opts.fetch } : {}) }),
      log: (line) => logger.warn(line),
      replayEndpoints,
    });
  } catch (err) {
    camelHops.close();
    await pipeline.close();
    await client.close();
    throw err;
  }
  let capture: StdoutCapture | undefined;
  if (opts.orchestrator) {
    capture = await startStdoutCapture({
      orchestrator: opts.orchestrator,
      scopeOf: (id) => scopes.get(id),
      sink: pipeline,
      stateDir: opts.stateDir,
      logger,
    });
  }
  logger.info('telemetry intake listening', { url: intake.url, clickhouse: redact(config.clickhouse.url) });
  return {
    scopes,
    pipeline,
    intake,
    replayEndpoints,
    intakeUrl: (address) => `http://${address.urlHost}:${intake.port}`,
    status() {
      const requests = intake.stats();
      return {
        intakeUrl: intake.url,
        clickhouseUrl: redact(config.clickhouse.url),
        ...pipelineStatus(pipeline.stats()),
        camelHops: pick(camelHops.stats()),
        malformedRequests: requests.malformed_total,
        unauthorizedRequests: requests.unauthorized_total,
      };
    },
    async close() {
      await capture?.stop();
      await intake.close();
      camelHops.close();
      await pipeline.close();
      await client.close();
    },
  };
}

function pick({ pending, hops, orphaned, dropped }: CamelHopsStats) {
  return { pending, hops, orphaned, dropped };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
