import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptFailedExchanges } from './failed-exchanges/intake-route.ts';
import type { ReplayEndpoints } from './failed-exchanges/replay-endpoints.ts';
import { answerOtlp, answerOtlpError, answerProblem, bearerToken, rpcCode } from './intake-server-answers.ts';
import { decodeOtlp, type OtlpEncoding, otlpEncoding, otlpResponse } from './otlp/decode.ts';
import { OtlpRefused, otlpLimits } from './otlp/limits.ts';
import type { OtlpSignal } from './otlp/model.ts';
import { decodeContent, readRawBody } from './otlp/request-body.ts';
import type { RowsByTable, TelemetryScope } from './rows.ts';

/** Where decoded rows go (the pipeline); `ok: false` when its spool is full. */
export type IntakeSink = {
  accept(rows: RowsByTable): { ok: true } | { ok: false; retryAfterSeconds: number };
};

/** Counts since start; pass your own object to read them elsewhere (they are incremented in place). */
export type IntakeCounters = {
  requests_total: number;
  /** Requests whose rows the sink took. */
  accepted_total: number;
  rows_total: number;
  /** 429s: the sink had no room. */
  rejected_total: number;
  /** 400/413/415: malformed, over a limit or of an unknown type; nothing stored. */
  malformed_total: number;
  unauthorized_total: number;
  /** 503s: too many bodies in flight, or the sink failed. */
  busy_total: number;
};

export type IntakeServerOptions = {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The agent token's scope; rejects (any error) when the token is missing its mark. */
  verifyToken: (token: string) => Promise<TelemetryScope>;
  sink: IntakeSink;
  /** POST /api/agent/register, forwarded to the edge; 404 without it. */
  register?: (
    body: Buffer,
    headers: Record<string, string>,
  ) => Promise<{ status: number; headers: Record<string, string>; body: Buffer | string }>;
  log?: (line: string) => void;
  counters?: IntakeCounters;
  /** Request bodies read at once; more are answered 503 with Retry-After. Default 32. */
  maxConcurrentBodies?: number;
  /** Learns each deployment's replay endpoint from its failed-exchange reports. */
  replayEndpoints?: ReplayEndpoints;
};

export type IntakeServer = {
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): IntakeCounters & { inflight: number };
};

const signals: Record<string, OtlpSignal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};
const failedExchangesPath = '/v1/failed-exchanges';
const maxRegisterBodyBytes = 64 * 1024;
const refusalLogIntervalMs = 10_000;

/** The runner's OTLP/HTTP receiver: every row it hands on is owned by the scope of the caller's agent token. */
export async function startIntakeServer(opts: IntakeServerOptions): Promise<IntakeServer> {
  const counters = opts.counters ?? {
    requests_total: 0,
    accepted_total: 0,
    rows_total: 0,
    rejected_total: 0,
    malformed_total: 0,
    unauthorized_total: 0,
    busy_total: 0,
  };
  const log = opts.log ?? (() => {});
  const maxConcurrent = opts.maxConcurrentBodies ?? 32;
  let inflight = 0;
  let lastRefusalLog = Number.NEGATIVE_INFINITY;

  async function export_(
    request: IncomingMessage,
    response: ServerResponse,
    signal: OtlpSignal,
    encoding: OtlpEncoding,
  ): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    let scope: TelemetryScope;
    try {
      if (token === undefined) throw new Error('send Authorization: Bearer <agent token>');
      scope = await opts.verifyToken(token);
    } catch (error) {
      counters.unauthorized_total++;
      const reason = error instanceof Error ? error.message : String(error);
      // The verifier's own refusals already say "agent token …": prefixing them would say it twice.
      const message = /^agent token\b/.test(reason) ? reason : `agent token refused: ${reason}`;
      return answerOtlpError(response, 401, encoding, rpcCode.unauthenticated, message, {
        connection: 'close',
      });
    }
    if (inflight >= maxConcurrent) {
      counters.busy_total++;
      return answerOtlpError(response, 503, encoding, rpcCode.unavailable, 'too many requests in flight', {
        'retry-after': '1',
        connection: 'close',
      });
    }
    inflight++;
    let rows: ReturnType<typeof decodeOtlp>;
    try {
      const raw = await readRawBody(request, otlpLimits.maxBodyBytes);
      const body = await decodeContent(raw, request.headers['content-encoding'], otlpLimits.maxBodyBytes);
      rows = decodeOtlp(signal, encoding, body, scope);
    } catch (error) {
      if (!(error instanceof OtlpRefused)) throw error;
      counters.malformed_total++;
      const code = error.status === 400 ? rpcCode.invalidArgument : rpcCode.resourceExhausted;
      return answerOtlpError(response, error.status, encoding, code, error.reason, { connection: 'close' });
    } finally {
      inflight--;
    }
    const rowCount = Object.values(rows).reduce((sum, table) => sum + table.length, 0);
    if (rowCount > 0) {
      const verdict = opts.sink.accept(rows);
      if (!verdict.ok) {
        counters.rejected_total++;
        const now = Date.now();
        if (now - lastRefusalLog >= refusalLogIntervalMs) {
          lastRefusalLog = now;
          log(`telemetry intake: spool full, answering 429 (${counters.rejected_total} refused so far)`);
        }
        const retryAfter = String(Math.max(1, Math.ceil(verdict.retryAfterSeconds)));
        return answerOtlpError(
          response,
          429,
          encoding,
          rpcCode.resourceExhausted,
          'telemetry spool is full',
          {
            'retry-after': retryAfter,
          },
        );
      }
    }
    counters.accepted_total++;
    counters.rows_total += rowCount;
    answerOtlp(response, 200, encoding, otlpResponse(signal, encoding));
  }

  async function register(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!opts.register) return answerProblem(response, 404, 'agent registration is not served here');
    let body: Buffer;
    try {
      body = await readRawBody(request, maxRegisterBodyBytes);
    } catch {
      return answerProblem(response, 413, `the body is over ${maxRegisterBodyBytes} bytes`, {
        connection: 'close',
      });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    let answer: Awaited<ReturnType<typeof opts.register>>;
    try {
      answer = await opts.register(body, headers);
    } catch (error) {
      log(`telemetry intake: agent registration could not reach the edge: ${String(error)}`);
      return answerProblem(response, 502, 'agent registration could not reach the edge; retry');
    }
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  /** Failed exchanges: JSON, not OTLP, so refusals are problem+json; the same token, limits and sink. */
  async function failedExchanges(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const token = bearerToken(request.headers.authorization);
    let scope: TelemetryScope;
    try {
      if (token === undefined) throw new Error('send Authorization: Bearer <agent token>');
      scope = await opts.verifyToken(token);
    } catch (error) {
      counters.unauthorized_total++;
      const reason = error instanceof Error ? error.message : String(error);
      return answerProblem(
        response,
        401,
        /^agent token\b/.test(reason) ? reason : `agent token refused: ${reason}`,
        {
          connection: 'close',
        },
      );
    }
    if (inflight >= maxConcurrent) {
      counters.busy_total++;
      return answerProblem(response, 503, 'too many requests in flight', {
        'retry-after': '1',
        connection: 'close',
      });
    }
    inflight++;
    try {
      const verdict = await acceptFailedExchanges({
        request,
        response,
        scope,
        agentToken: token,
        sink: opts.sink,
        replayEndpoints: opts.replayEndpoints,
      });
      if (verdict === 'accepted') counters.accepted_total++;
      else if (verdict === 'malformed') counters.malformed_total++;
      else counters.rejected_total++;
    } finally {
      inflight--;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    counters.requests_total++;
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const signal = signals[path];
    if (signal === undefined && path !== '/api/agent/register' && path !== failedExchangesPath) {
      return answerProblem(response, 404, `no route ${path}`, { connection: 'close' });
    }
    if (request.method !== 'POST') {
      return answerProblem(response, 405, 'use POST', { allow: 'POST', connection: 'close' });
    }
    if (path === failedExchangesPath) return failedExchanges(request, response);
    if (signal === undefined) return register(request, response);
    const encoding = otlpEncoding(request.headers['content-type']);
    if (encoding === undefined) {
      counters.malformed_total++;
      return answerProblem(
        response,
        415,
        'send Content-Type application/x-protobuf or application/json (OTLP/HTTP)',
        { connection: 'close' },
      );
    }
    return export_(request, response, signal, encoding);
  }

  const server = createServer({ requestTimeout: 30_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      counters.busy_total++;
      log(`telemetry intake: ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) {
        answerProblem(response, 503, 'the intake failed; retry', { 'retry-after': '1', connection: 'close' });
      } else {
        response.destroy();
      }
    });
  });
  // A client that resets its connection must not bring the runner down.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    stats: () => ({ ...counters, inflight }),
  };
}
