import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { embeddedAsset, embeddedAssetNames } from '../../embedded-assets.ts';
import { OtlpRefused } from './limits.ts';
import type { LogsRequest, MetricsRequest, OtlpSignal, TracesRequest } from './model.ts';

const embedded = embeddedAsset(embeddedAssetNames.otlpProto);
const schema = embedded
  ? new TextDecoder().decode(embedded)
  : readFileSync(new URL('./proto/otlp.proto', import.meta.url), 'utf8');
const root = protobuf.parse(schema).root;
const type = (name: string) => root.lookupType(`otlp.${name}`);

const requestTypes = {
  traces: type('ExportTraceServiceRequest'),
  logs: type('ExportLogsServiceRequest'),
  metrics: type('ExportMetricsServiceRequest'),
};
const responseTypes = {
  traces: type('ExportTraceServiceResponse'),
  logs: type('ExportLogsServiceResponse'),
  metrics: type('ExportMetricsServiceResponse'),
};
const rpcStatus = type('RpcStatus');

type Requests = { traces: TracesRequest; logs: LogsRequest; metrics: MetricsRequest };

export function decodeProtobuf<S extends OtlpSignal>(signal: S, body: Uint8Array): Requests[S] {
  try {
    return requestTypes[signal].decode(body) as unknown as Requests[S];
  } catch (error) {
    // protobufjs throws on truncated or mistyped input; a stack overflow means absurd nesting.
    const reason =
      error instanceof RangeError && /call stack/.test(error.message) ? 'nesting too deep' : String(error);
    throw new OtlpRefused(
      `the body is not a valid protobuf Export${signalName(signal)}ServiceRequest: ${reason}`,
    );
  }
}

/** An empty Export*ServiceResponse: every item was accepted. */
export function encodeProtobufResponse(signal: OtlpSignal): Buffer {
  return Buffer.from(responseTypes[signal].encode(responseTypes[signal].fromObject({})).finish());
}

/** A google.rpc.Status, the body of an OTLP/HTTP error answer. */
export function encodeProtobufStatus(code: number, message: string): Buffer {
  return Buffer.from(rpcStatus.encode(rpcStatus.fromObject({ code, message })).finish());
}

export function signalName(signal: OtlpSignal): string {
  return signal === 'traces' ? 'Trace' : signal === 'logs' ? 'Logs' : 'Metrics';
}
