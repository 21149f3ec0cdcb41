import type { ServerResponse } from 'node:http';
import { sendProblem } from '../http-problem.ts';
import { type OtlpEncoding, otlpContentTypes, otlpStatus } from './otlp/decode.ts';

/** google.rpc.Code values used in OTLP error bodies. */
export const rpcCode = {
  invalidArgument: 3,
  resourceExhausted: 8,
  unauthenticated: 16,
  unavailable: 14,
} as const;

export function answerOtlp(
  response: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  body: Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': otlpContentTypes[encoding],
    'content-length': body.length,
    ...headers,
  });
  response.end(body);
}

/** An OTLP/HTTP error: a google.rpc.Status in the request's encoding, which OTLP exporters log. */
export function answerOtlpError(
  response: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  answerOtlp(response, status, encoding, otlpStatus(encoding, code, message), headers);
}

const answers: Record<number, { code: string; title: string }> = {
  401: { code: 'unauthenticated', title: 'Authentication is required' },
  404: { code: 'not-found', title: 'Not found' },
  405: { code: 'method-not-allowed', title: 'Method not allowed' },
  413: { code: 'payload-too-large', title: 'The request body is too large' },
  415: { code: 'unsupported-media-type', title: 'Unsupported media type' },
  502: { code: 'edge-unreachable', title: 'The edge did not answer' },
  503: { code: 'unavailable', title: 'Service unavailable' },
};

/** A non-OTLP error (no OTLP encoding to answer in): application/problem+json. */
export function answerProblem(
  response: ServerResponse,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const { code, title } = answers[status] ?? { code: 'error', title: 'Error' };
  sendProblem(response, { status, code, title, detail }, headers);
}

/**
 * The token of `Authorization: Bearer <token>`. OTel SDKs URL-decode OTEL_EXPORTER_OTLP_HEADERS
 * (`Authorization=Bearer%20<token>` arrives as `Bearer <token>`), but some send the value as
 * written, so a percent-encoded one is decoded here too.
 */
export function bearerToken(header: string | undefined): string | undefined {
  let value = header?.trim();
  if (!value) return undefined;
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return /^Bearer\s+(\S+)$/i.exec(value)?.[1];
}
