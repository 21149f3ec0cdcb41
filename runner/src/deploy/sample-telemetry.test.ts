/**
 * The sample app and the agent as the runner's intake sees them: a real JVM (`java -javaagent -jar`)
 * with the environment the runner sets, against a recording HTTP server standing in for the intake.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSampleJar, buildTestAgentJar } from '../../test/java-fixtures.ts';
import { freePort } from '../orchestrators/process/network.ts';

type Recorded = { path: string; authorization: string | undefined; contentType: string; body: unknown };

type AnyValue = { stringValue?: string; intValue?: string; doubleValue?: number };
type KeyValue = { key: string; value: AnyValue };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  status: { code?: number; message?: string };
};
type TracesRequest = {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
};
type MetricsRequest = {
  resourceMetrics: {
    resource: { attributes: KeyValue[] };
    scopeMetrics: {
      metrics: { name: string; gauge: { dataPoints: { asInt?: string; asDouble?: number }[] } }[];
    }[];
  }[];
};

const agentToken = 'agent-token/with+reserved=chars';
const sessionToken = 'session-token-from-register';
const bootstrapToken = 'bootstrap-token-1';

const requests: Recorded[] = [];
let intake: Server;
let intakeUrl: string;
let app: Awaited<ReturnType<typeof startApp>>;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  intake = createServer(async (req, res) => {
    const text = await readBody(req);
    requests.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'] ?? '',
      body: JSON.parse(text),
    });
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/agent/register-refused') {
      res.statusCode = 401;
      res.end('{"title":"bootstrap token already used"}');
    } else if (req.url === '/api/agent/register') {
      res.end(
        JSON.stringify({ token: sessionToken, endpoint: intakeUrl, expiresAt: '2099-01-01T00:00:00Z' }),
      );
    } else {
      res.end('{}');
    }
  });
  intake.listen(0, '127.0.0.1');
  await once(intake, 'listening');
  intakeUrl = `http://127.0.0.1:${(intake.address() as AddressInfo).port}`;

  const main = await startApp('/api/agent/register', 'dep_1');
  app = main;
  await waitFor(() => main.output().includes('started on port'), 20_000, main.output);
}, 120_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  intake?.close();
});

const children: ChildProcess[] = [];

/** `java -javaagent -jar` with the environment the runner sets, registering at `registerPath`. */
async function startApp(registerPath: string, deploymentId: string, extraEnv: Record<string, string> = {}) {
  const [jar, agent, port] = await Promise.all([
    buildSampleJar({ version: '5.0.0' }),
    buildTestAgentJar(),
    freePort(),
  ]);
  const child = spawn('java', [`-javaagent:${agent}`, '-jar', jar], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      OTEL_EXPORTER_OTLP_ENDPOINT: intakeUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${encodeURIComponent(agentToken)}`,
      OTEL_SERVICE_NAME: 'orders-app',
      OTEL_RESOURCE_ATTRIBUTES: `deployment.environment=dev,service.namespace=ten_1,cameleer.deployment.id=${deploymentId}`,
      CAMELEER_BOOTSTRAP_TOKEN: bootstrapToken,
      CAMELEER_AGENT_REGISTER_URL: `${intakeUrl}${registerPath}`,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  const collect = (chunk: Buffer) => {
    text += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, url: `http://127.0.0.1:${port}`, output: () => text };
}

async function waitFor(condition: () => boolean, timeoutMs: number, detail: () => string = () => '') {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; ${detail()}`);
    await sleep(50);
  }
}

function attr(attributes: KeyValue[], key: string): string | undefined {
  const value = attributes.find((a) => a.key === key)?.value;
  return (
    value?.stringValue ??
    value?.intValue ??
    (value?.doubleValue === undefined ? undefined : String(value.doubleValue))
  );
}

function spansReceived(): OtlpSpan[] {
  return requests
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) =>
      (r.body as TracesRequest).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)),
    );
}

describe('sample app and agent telemetry', { timeout: 60_000 }, () => {
  it('registers with the bootstrap token and reports JVM metrics with the session token', async () => {
    await waitFor(() => requests.some((r) => r.path === '/v1/metrics'), 15_000);
    const register = requests.find((r) => r.path === '/api/agent/register');
    expect(register?.authorization).toBe(`Bearer ${bootstrapToken}`);
    expect(register?.body).toMatchObject({
      bootstrapToken,
      agentVersion: expect.any(String),
      hostname: expect.any(String),
    });

    const metrics = requests.filter((r) => r.path === '/v1/metrics');
    expect(metrics.every((r) => r.authorization === `Bearer ${sessionToken}`)).toBe(true);
    expect(metrics[0]?.contentType).toBe('application/json');
    const body = metrics[0]?.body as MetricsRequest;
    const resource = body.resourceMetrics[0]?.resource.attributes ?? [];
    expect(attr(resource, 'service.name')).toBe('orders-app');
    expect(attr(resource, 'cameleer.deployment.id')).toBe('dep_1');
    const byName = new Map(
      body.resourceMetrics[0]?.scopeMetrics[0]?.metrics.map((m) => [m.name, m.gauge.dataPoints[0]]),
    );
    // Right after start the heap in use can still read 0 (nothing allocated in a region yet).
    expect(Number(byName.get('jvm.memory.used')?.asInt)).toBeGreaterThanOrEqual(0);
    expect(Number(byName.get('jvm.memory.limit')?.asInt)).toBeGreaterThan(0);
    expect(Number(byName.get('jvm.thread.count')?.asInt)).toBeGreaterThan(0);
    expect(byName.get('jvm.uptime')?.asDouble).toBeGreaterThan(0);
    expect(app.output()).toContain('cameleer-agent attached');
  });

  it('traces each /orders request as a Camel route pipeline over OTLP/HTTP JSON', async () => {
    const ok = await fetch(`${app.url}/orders?id=1`);
    expect(ok.status).toBe(200);
    const failed = await fetch(`${app.url}/orders?fail=true`);
    expect(failed.status).toBe(500);
    const okTrace = /trace_id=([0-9a-f]{32})/.exec(await ok.text())?.[1];
    const failedTrace = /trace_id=([0-9a-f]{32})/.exec(await failed.text())?.[1];
    expect(okTrace).toBeDefined();
    expect(failedTrace).not.toBe(okTrace);

    await waitFor(() => spansReceived().filter((s) => s.traceId === okTrace).length === 5, 10_000);
    await waitFor(() => spansReceived().filter((s) => s.traceId === failedTrace).length === 4, 10_000);

    const traces = requests.filter((r) => r.path === '/v1/traces');
    // The exporter uses OTEL_EXPORTER_OTLP_HEADERS, URL-decoded, not the agent's session token.
    expect(new Set(traces.map((r) => r.authorization))).toEqual(new Set([`Bearer ${agentToken}`]));
    expect(traces[0]?.contentType).toBe('application/json');
    const resource =
      (traces[0]?.body as TracesRequest | undefined)?.resourceSpans[0]?.resource.attributes ?? [];
    expect(attr(resource, 'service.name')).toBe('orders-app');
    expect(attr(resource, 'deployment.environment')).toBe('dev');
    expect(attr(resource, 'service.namespace')).toBe('ten_1');

    const spans = spansReceived().filter((s) => s.traceId === okTrace);
    for (const span of spans) {
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(BigInt(span.endTimeUnixNano)).toBeGreaterThan(BigInt(span.startTimeUnixNano));
      expect(span.status.code).toBeUndefined();
    }
    // camel-opentelemetry2's shape: `op` tells a route span from a send; camel.route.id is the
    // exchange's originating route (getFromRouteId), `orders` on every span.
    const find = (op: string, uri: string, kind: number) =>
      spans.find(
        (s) =>
          attr(s.attributes, 'op') === op &&
          attr(s.attributes, 'camel.uri') === uri &&
          attr(s.attributes, 'camel.route.id') === 'orders' &&
          s.kind === kind,
      );
    const orders = find('EVENT_RECEIVED', 'platform-http://orders', 2);
    const callValidate = find('EVENT_SENT', 'direct://validate', 1);
    const validate = find('EVENT_RECEIVED', 'direct://validate', 1);
    const audit = find('EVENT_SENT', 'log://audit', 1);
    const inventory = find('EVENT_SENT', 'http://inventory/api/stock', 3);
    expect(orders && attr(orders.attributes, 'component')).toBe('camel-platform-http');
    expect(inventory && attr(inventory.attributes, 'url.path')).toBe('inventory/api/stock');
    expect(orders?.parentSpanId).toBe('');
    expect(callValidate?.parentSpanId).toBe(orders?.spanId);
    expect(validate?.parentSpanId).toBe(callValidate?.spanId);
    expect(audit?.parentSpanId).toBe(validate?.spanId);
    expect(inventory?.parentSpanId).toBe(orders?.spanId);
    expect(
      BigInt(inventory?.endTimeUnixNano ?? 0) - BigInt(inventory?.startTimeUnixNano ?? 0),
    ).toBeGreaterThanOrEqual(3_000_000n);

    const failedSpans = spansReceived().filter((s) => s.traceId === failedTrace);
    const errors = failedSpans.filter((s) => s.status.code === 2);
    // The failing route, the call into it and the route that called it; the audit log before it succeeded.
    expect(
      errors.map((s) => `${attr(s.attributes, 'op')} ${attr(s.attributes, 'camel.uri')}`).sort(),
    ).toEqual([
      'EVENT_RECEIVED direct://validate',
      'EVENT_RECEIVED platform-http://orders',
      'EVENT_SENT direct://validate',
    ]);
    expect(errors.every((s) => attr(s.attributes, 'error') === 'true')).toBe(true);
    expect(errors.every((s) => s.status.message?.includes('fail=true'))).toBe(true);
    expect(failedSpans.some((s) => attr(s.attributes, 'camel.uri') === 'http://inventory/api/stock')).toBe(
      false,
    );

    await waitFor(() => app.output().includes(`trace_id=${failedTrace}`), 5_000);
    expect(app.output()).toMatch(new RegExp(` INFO \\[orders\\] GET /orders\\?id=1 200 trace_id=${okTrace}`));
    expect(app.output()).toMatch(
      new RegExp(` ERROR \\[orders\\] GET /orders\\?fail=true 500 .*trace_id=${failedTrace}`),
    );
  });

  it('samples whole traces by the standard sampler variables the deploy sets', async () => {
    const sampled = await startApp('/api/agent/register', 'dep_3', {
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.5',
    });
    await waitFor(() => sampled.output().includes('started on port'), 20_000, sampled.output);
    const traceIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const body = await (await fetch(`${sampled.url}/orders`)).text();
      traceIds.push(/trace_id=([0-9a-f]{32})/.exec(body)?.[1] ?? '');
    }
    sampled.child.kill('SIGTERM');
    await once(sampled.child, 'exit');
    const spans = spansReceived().filter((s) => traceIds.includes(s.traceId));
    const kept = new Set(spans.map((s) => s.traceId));
    // Binomial(40, 0.5): outside 5..35 once in ten million runs.
    expect(kept.size).toBeGreaterThanOrEqual(5);
    expect(kept.size).toBeLessThanOrEqual(35);
    // A kept trace is whole: each span's parent is in it, and it has its root.
    for (const traceId of kept) {
      const ids = new Set(spans.filter((s) => s.traceId === traceId).map((s) => s.spanId));
      const own = spans.filter((s) => s.traceId === traceId);
      expect(own.filter((s) => !s.parentSpanId)).toHaveLength(1);
      for (const span of own) if (span.parentSpanId) expect(ids.has(span.parentSpanId)).toBe(true);
    }
  });

  it('falls back to the OTLP headers token when registration is refused', async () => {
    const other = await startApp('/api/agent/register-refused', 'dep_2');
    await waitFor(() => other.output().includes('registration at'), 15_000, other.output);
    expect(other.output()).toMatch(/WARN cameleer-agent: registration at .* failed \(HTTP 401/);
    const isOther = (r: Recorded) =>
      r.path === '/v1/metrics' &&
      attr(
        (r.body as MetricsRequest).resourceMetrics[0]?.resource.attributes ?? [],
        'cameleer.deployment.id',
      ) === 'dep_2';
    await waitFor(() => requests.some(isOther), 15_000);
    expect(requests.find(isOther)?.authorization).toBe(`Bearer ${agentToken}`);
    other.child.kill('SIGTERM');
    await once(other.child, 'exit');
  });

  it('keeps serving when the intake is down, dropping spans', async () => {
    intake.closeAllConnections();
    await new Promise<void>((resolve) => intake.close(() => resolve()));
    const started = Date.now();
    for (let i = 0; i < 5; i++) expect((await fetch(`${app.url}/orders`)).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await waitFor(() => app.output().includes('dropping spans'), 5_000, app.output);
  });
});
