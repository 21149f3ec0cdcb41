import type { RowsByTable, TelemetryScope } from '../rows.ts';
import { decodeJson } from './json.ts';
import { logsToRows } from './logs-to-rows.ts';
import { metricsToRows } from './metrics-to-rows.ts';
import type { OtlpSignal } from './model.ts';
import { decodeProtobuf, encodeProtobufResponse, encodeProtobufStatus } from './protobuf.ts';
import { tracesToRows } from './traces-to-rows.ts';

export type OtlpEncoding = 'protobuf' | 'json';

export const otlpContentTypes: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The OTLP/HTTP encoding a Content-Type names, parameters (charset) aside. */
export function otlpEncoding(contentType: string | undefined): OtlpEncoding | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

export type DecodedOtlp = {
  rows: RowsByTable;
  /** Items the tables have no place for, reported to the agent as a partial success. */
  unstored?: { count: number; message: string };
};

/**
 * One OTLP export request as rows owned by `scope`. Throws `OtlpRefused` when the body is malformed
 * or over a limit: the request is then refused whole.
 */
export function decodeOtlp(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  body: Buffer,
  scope: TelemetryScope,
  now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
): DecodedOtlp {
  const decode = encoding === 'json' ? decodeJson : decodeProtobuf;
  if (signal === 'traces') return { rows: { otel_traces: tracesToRows(decode('traces', body), scope) } };
  if (signal === 'logs') return { rows: { otel_logs: logsToRows(decode('logs', body), scope, now) } };
  const { unstored, ...rows } = metricsToRows(decode('metrics', body), scope);
  return {
    rows,
    ...(unstored > 0 && {
      unstored: { count: unstored, message: 'exponential histograms and summaries are not stored' },
    }),
  };
}

/** The Export*ServiceResponse of an accepted request, in the request's encoding. */
export function otlpResponse(
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  unstored?: DecodedOtlp['unstored'],
): Buffer {
  if (encoding === 'protobuf') return encodeProtobufResponse(signal, unstored);
  const field = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' }[
    signal
  ];
  return Buffer.from(
    JSON.stringify(
      unstored ? { partialSuccess: { [field]: String(unstored.count), errorMessage: unstored.message } } : {},
    ),
  );
}

/** A google.rpc.Status (OTLP/HTTP's error body) in the request's encoding. */
export function otlpStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  return encoding === 'protobuf'
    ? encodeProtobufStatus(code, message)
    : Buffer.from(JSON.stringify({ code, message }));
}
