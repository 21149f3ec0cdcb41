import type { IncomingMessage, ServerResponse } from 'node:http';
import { failedExchangeCaps, type TelemetryScope } from '@cameleer/shared';
import { sendProblem } from '../../http-problem.ts';
import { answerProblem } from '../intake-server-answers.ts';
import { OtlpRefused } from '../otlp/limits.ts';
import { decodeContent, readRawBody } from '../otlp/request-body.ts';
import type { RowsByTable } from '../rows.ts';
import { decodeFailedExchanges } from './decode.ts';
import type { ReplayEndpoints } from './replay-endpoints.ts';

type Sink = { accept(rows: RowsByTable): { ok: true } | { ok: false; retryAfterSeconds: number } };

/**
 * `POST /v1/failed-exchanges` on the intake, after the agent token was verified: the same body
 * limits, spool and problem+json refusals as OTLP, rows into `failed_exchanges`.
 */
export async function acceptFailedExchanges(input: {
  request: IncomingMessage;
  response: ServerResponse;
  scope: TelemetryScope;
  agentToken: string;
  sink: Sink;
  replayEndpoints?: ReplayEndpoints;
}): Promise<'accepted' | 'malformed' | 'rejected'> {
  const { request, response, scope } = input;
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    answerProblem(response, 415, 'send Content-Type application/json', { connection: 'close' });
    return 'malformed';
  }
  let decoded: ReturnType<typeof decodeFailedExchanges>;
  try {
    const max = failedExchangeCaps.requestBytes;
    const raw = await readRawBody(request, max);
    decoded = decodeFailedExchanges(
      await decodeContent(raw, request.headers['content-encoding'], max),
      scope,
    );
  } catch (error) {
    if (!(error instanceof OtlpRefused)) throw error;
    const status = error.status;
    const code = status === 400 ? 'invalid-request' : status === 413 ? 'payload-too-large' : 'unsupported';
    sendProblem(response, { status, code, title: 'Failed exchanges refused', detail: error.reason });
    return 'malformed';
  }
  if (decoded.replayPort !== undefined && request.socket.remoteAddress) {
    await input.replayEndpoints?.learn(
      scope.deploymentId,
      request.socket.remoteAddress,
      decoded.replayPort,
      input.agentToken,
    );
  }
  if (decoded.rows.length > 0) {
    const verdict = input.sink.accept({ failed_exchanges: decoded.rows });
    if (!verdict.ok) {
      const retryAfter = String(Math.max(1, Math.ceil(verdict.retryAfterSeconds)));
      sendProblem(
        response,
        { status: 429, code: 'spool-full', title: 'Too many requests', detail: 'telemetry spool is full' },
        { 'retry-after': retryAfter },
      );
      return 'rejected';
    }
  }
  const body = JSON.stringify({ accepted: decoded.rows.length });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
  return 'accepted';
}
