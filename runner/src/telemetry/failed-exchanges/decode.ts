import {
  type FailedExchangeCapture,
  FailedExchangeReport,
  type FailedExchangeRow,
  failedExchangeCaps,
  headersBytes,
  nanosToDateTime64,
  ownerColumns,
  type TelemetryScope,
} from '@cameleer/shared';
import { OtlpRefused } from '../otlp/limits.ts';

export type DecodedReport = { rows: FailedExchangeRow[]; replayPort: number | undefined };

/**
 * A `POST /v1/failed-exchanges` body as rows owned by the caller's scope. The agent caps and redacts;
 * the caps are checked again here (an agent over them is refused, not trimmed: trimming would store a
 * body the agent says is whole).
 */
export function decodeFailedExchanges(body: Buffer, scope: TelemetryScope): DecodedReport {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new OtlpRefused('the body is not JSON');
  }
  const parsed = FailedExchangeReport.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    throw new OtlpRefused(`invalid failed-exchange report: ${issues.slice(0, 5).join('; ')}`);
  }
  const rows = parsed.data.exchanges.map((capture, index) => {
    overCaps(capture, index);
    return toRow(capture, scope);
  });
  return { rows, replayPort: parsed.data.agent?.replayPort };
}

function overCaps(capture: FailedExchangeCapture, index: number): void {
  if (Buffer.byteLength(capture.body, 'utf8') > failedExchangeCaps.bodyBytes) {
    throw new OtlpRefused(`exchanges.${index}.body: over ${failedExchangeCaps.bodyBytes} bytes`, 413);
  }
  if (headersBytes(capture.headers) > failedExchangeCaps.headersBytes) {
    throw new OtlpRefused(`exchanges.${index}.headers: over ${failedExchangeCaps.headersBytes} bytes`, 413);
  }
}

function toRow(capture: FailedExchangeCapture, scope: TelemetryScope): FailedExchangeRow {
  const nanos = BigInt(Date.parse(capture.time)) * 1_000_000n;
  return {
    ...ownerColumns(scope),
    Timestamp: nanosToDateTime64(nanos),
    ExchangeId: capture.exchangeId,
    RouteId: capture.routeId,
    FromUri: capture.fromUri,
    FailedEndpoint: capture.failedEndpoint,
    ExceptionType: capture.exception.type,
    ExceptionMessage: capture.exception.message,
    StackTrace: capture.exception.stackTrace,
    Headers: capture.headers,
    HeadersTruncated: capture.headersTruncated ? 1 : 0,
    Body: capture.body,
    BodyTruncated: capture.bodyTruncated ? 1 : 0,
    BodySize: capture.bodySize,
    Redactions: capture.redactions,
    TraceId: capture.traceId,
    SpanId: capture.spanId,
    ReplayOf: capture.replayOf,
  };
}
