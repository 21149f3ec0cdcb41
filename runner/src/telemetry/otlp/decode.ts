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
): RowsByTable {
  const decode = encoding === 'json' ? decodeJson : decodeProtobuf;
  if (signal === 'traces') return { otel_traces: tracesToRows(decode('traces', body), scope) };
  if (signal === 'logs') return { otel_logs: logsToRows(decode('logs', body), scope, now) };
  return metricsToRows(decode('metrics', body), scope);
}

/** The Export*ServiceResponse of an accepted request (every item stored), in the request's encoding. */
export function otlpResponse(signal: OtlpSignal, encoding: OtlpEncoding): Buffer {
  return encoding === 'protobuf' ? encodeProtobufResponse(signal) : Buffer.from('{}');
}

/** A google.rpc.Status (OTLP/HTTP's error body) in the request's encoding. */
export function otlpStatus(encoding: OtlpEncoding, code: number, message: string): Buffer {
  return encoding === 'protobuf'
    ? encodeProtobufStatus(code, message)
    : Buffer.from(JSON.stringify({ code, message }));
}
