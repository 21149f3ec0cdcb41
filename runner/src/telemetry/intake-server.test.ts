import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { sdkLogs, sdkMetrics, sdkTraces, tokenScope } from '../../test/otlp/sdk-payloads.ts';
import { agentTokenVerifier } from './agent-token.ts';
import { type IntakeServer, type IntakeSink, startIntakeServer } from './intake-server.ts';
import type { RowsByTable } from './rows.ts';

const scope = tokenScope;
const goodToken = 'agent-token-mine';
const lyingResource = {
  'service.name': 'orders',
  'service.namespace': 'ten_other',
  'cameleer.deployment.id': 'dep_x',
};

// google.rpc.Status as OTLP/HTTP clients decode an error body.
const rpcStatus = protobuf
  .parse('syntax = "proto3"; package google.rpc; message Status { int32 code = 1; string message = 2; }')
  .root.lookupType('google.rpc.Status');

/** An in-memory sink that takes everything until told to refuse. */
function memorySink() {
  const batches: RowsByTable[] = [];
  let refuse = false;
  const sink: IntakeSink & { batches: RowsByTable[]; refuse(on: boolean): void } = {
    batches,
    refuse: (on) => {
      refuse = on;
    },
    accept: (rows) => {
      if (refuse) return { ok: false, retryAfterSeconds: 7 };
      batches.push(rows);
      return { ok: true };
    },
  };
  return sink;
}

let intake: IntakeServer | undefined;
afterEach(async () => {
  await intake?.close();
  intake = undefined;
});

async function start(extra: Partial<Parameters<typeof startIntakeServer>[0]> = {}) {
  const sink = memorySink();
  const logs: string[] = [];
  intake = await startIntakeServer({
    verifyToken: async (token) => {
      if (token !== goodToken) throw new Error('signature does not verify');
      return scope;
    },
    sink,
    log: (line) => logs.push(line),
    ...extra,
  });
  return { sink, logs, url: intake.url, server: intake };
}

function post(url: string, path: string, body: Buffer | string, headers: Record<string, string>) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers,
  });
}

const protobufHeaders = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${goodToken}` };
const jsonHeaders = { 'content-type': 'application/json', authorization: `Bearer ${goodToken}` };

async function statusOf(response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  return response.headers.get('content-type') === 'application/x-protobuf'
    ? (rpcStatus.toObject(rpcStatus.decode(body)) as { code: number; message: string })
    : (JSON.parse(body.toString()) as { code: number; message: string });
}

describe('OTLP/HTTP intake', () => {
  it('stores gzip protobuf traces with the scope of the token, and answers an empty response', async () => {
    const { sink, url, server } = await start();
    const response = await post(url, '/v1/traces', gzipSync(sdkTraces('protobuf', lyingResource).body), {
      ...protobufHeaders,
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    const body = new Uint8Array(await response.arrayBuffer());
    expect(ProtobufTraceSerializer.deserializeResponse(body)).toEqual({});
    expect(sink.batches).toHaveLength(1);
    const spans = sink.batches[0]?.otel_traces ?? [];
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span).toMatchObject({
        TenantId: 'ten_mine',
        DeploymentId: 'dep_mine',
        App: 'orders',
        Environment: 'prod',
      });
      expect(span.ResourceAttributes['service.namespace']).toBe('ten_other');
    }
    expect(server.stats()).toMatchObject({
      requests_total: 1,
      accepted_total: 1,
      rows_total: 2,
      inflight: 0,
    });
  });

  it('stores JSON logs and metrics, and takes the token as OTEL_EXPORTER_OTLP_HEADERS writes it', async () => {
    const { sink, url } = await start();
    const logs = await post(url, '/v1/logs', sdkLogs('json', lyingResource).body, {
      'content-type': 'application/json; charset=utf-8',
      authorization: `Bearer%20${goodToken}`,
    });
    expect(logs.status).toBe(200);
    expect(logs.headers.get('content-type')).toBe('application/json');
    expect(await logs.json()).toEqual({});
    const metrics = await post(
      url,
      '/v1/metrics',
      (await sdkMetrics('protobuf', lyingResource)).body,
      protobufHeaders,
    );
    expect(metrics.status).toBe(200);
    expect(
      ProtobufMetricsSerializer.deserializeResponse(new Uint8Array(await metrics.arrayBuffer())),
    ).toEqual({});
    expect(sink.batches[0]?.otel_logs?.map((row) => [row.TenantId, row.Body])).toEqual([
      ['ten_mine', 'order 42 is late'],
      ['ten_mine', '{"structured":["a",1]}'],
    ]);
    expect(sink.batches[1]?.otel_metrics_sum?.[0]).toMatchObject({
      TenantId: 'ten_mine',
      MetricName: 'exchanges',
    });
  });

  it('refuses missing, forged and malformed requests with a clear error, stores nothing, and keeps serving', async () => {
    const { sink, url, server } = await start();
    const traces = sdkTraces('protobuf', {}).body;

    const missing = await post(url, '/v1/traces', traces, { 'content-type': 'application/x-protobuf' });
    expect(missing.status).toBe(401);
    expect(await statusOf(missing)).toEqual({
      code: 16,
      message: expect.stringMatching(/Authorization: Bearer/),
    });

    const forged = await post(url, '/v1/traces', traces, { ...jsonHeaders, authorization: 'Bearer forged' });
    expect(forged.status).toBe(401);
    expect(await statusOf(forged)).toEqual({
      code: 16,
      message: 'agent token refused: signature does not verify',
    });

    const badProtobuf = await post(url, '/v1/traces', traces.subarray(0, traces.length - 5), protobufHeaders);
    expect(badProtobuf.status).toBe(400);
    expect(await statusOf(badProtobuf)).toMatchObject({
      code: 3,
      message: expect.stringMatching(/not a valid protobuf/),
    });

    const wrongType = await post(
      url,
      '/v1/logs',
      JSON.stringify({ resourceLogs: [{ scopeLogs: 'no' }] }),
      jsonHeaders,
    );
    expect(wrongType.status).toBe(400);
    expect(await statusOf(wrongType)).toMatchObject({
      code: 3,
      message: expect.stringMatching(/resourceLogs\.0\.scopeLogs/),
    });

    const huge = JSON.stringify({
      resourceLogs: [
        { resource: { attributes: [{ key: 'x', value: { stringValue: 'y'.repeat(70_000) } }] } },
      ],
    });
    const hugeAttribute = await post(url, '/v1/logs', huge, jsonHeaders);
    expect(hugeAttribute.status).toBe(400);
    expect((await statusOf(hugeAttribute)).message).toMatch(/attribute x of resource is over 65536 bytes/);

    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const gzipBomb = await post(url, '/v1/traces', bomb, { ...protobufHeaders, 'content-encoding': 'gzip' });
    expect(gzipBomb.status).toBe(413);
    expect((await statusOf(gzipBomb)).message).toMatch(/over 8388608 bytes/);

    const notGzip = await post(url, '/v1/traces', traces, { ...protobufHeaders, 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);

    const unknownType = await post(url, '/v1/traces', 'hello', {
      ...jsonHeaders,
      'content-type': 'text/plain',
    });
    expect(unknownType.status).toBe(415);
    expect(unknownType.headers.get('content-type')).toBe('application/problem+json');

    expect((await post(url, '/v1/profiles', traces, protobufHeaders)).status).toBe(404);
    expect((await fetch(`${url}/v1/traces`)).status).toBe(405);

    expect(sink.batches).toEqual([]);
    expect(server.stats()).toMatchObject({ unauthorized_total: 2, malformed_total: 6, accepted_total: 0 });

    const good = await post(url, '/v1/traces', traces, protobufHeaders);
    expect(good.status).toBe(200);
    expect(sink.batches).toHaveLength(1);
  });

  it('names a refused agent token once, whichever check refused it', async () => {
    const { url } = await start({ verifyToken: agentTokenVerifier(() => []) });
    for (const token of ['not.a.token', 'garbage']) {
      const refused = await post(url, '/v1/traces', '{}', {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      });
      expect(refused.status).toBe(401);
      const { message } = await statusOf(refused);
      expect(message).toMatch(/^agent token refused: /);
      expect(message.match(/agent token/g)).toHaveLength(1);
    }
  });

  it('answers 429 with Retry-After when the sink has no room, counts it and logs it once per 10 s', async () => {
    const { sink, url, server, logs } = await start();
    sink.refuse(true);
    for (let i = 0; i < 3; i++) {
      const response = await post(url, '/v1/traces', sdkTraces('json', {}).body, jsonHeaders);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect((await statusOf(response)).message).toMatch(/spool is full/);
    }
    expect(server.stats()).toMatchObject({ rejected_total: 3, accepted_total: 0 });
    expect(logs.filter((line) => /429/.test(line))).toHaveLength(1);
    sink.refuse(false);
    expect((await post(url, '/v1/traces', sdkTraces('json', {}).body, jsonHeaders)).status).toBe(200);
  });

  it('bounds the bodies read at once', async () => {
    const { url, server, logs } = await start({ maxConcurrentBodies: 1 });
    const { port } = new URL(url);
    // One client sends its headers and half a body, and waits.
    const slow = httpRequest({ port, method: 'POST', path: '/v1/traces', headers: protobufHeaders });
    slow.on('error', () => {});
    slow.write(Buffer.alloc(10));
    await expect.poll(() => server.stats().inflight).toBe(1);
    const busy = await post(url, '/v1/traces', sdkTraces('protobuf', {}).body, protobufHeaders);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    slow.destroy();
    await expect.poll(() => server.stats().inflight).toBe(0);
    expect(logs).toEqual([]);
    expect((await post(url, '/v1/traces', sdkTraces('protobuf', {}).body, protobufHeaders)).status).toBe(200);
  });

  it('forwards agent registration when it is given, and 404s without it', async () => {
    const seen: { body: string; authorization?: string }[] = [];
    const { url } = await start({
      register: async (body, headers) => {
        seen.push({ body: body.toString(), authorization: headers.authorization });
        return { status: 201, headers: { 'content-type': 'application/json' }, body: '{"token":"t"}' };
      },
    });
    const response = await post(url, '/api/agent/register', '{"hello":1}', { authorization: 'Bearer boot' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ token: 't' });
    expect(seen).toEqual([{ body: '{"hello":1}', authorization: 'Bearer boot' }]);
    await intake?.close();
    const without = await start();
    expect((await post(without.url, '/api/agent/register', '{}', {})).status).toBe(404);
  });
});
