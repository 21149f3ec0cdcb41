/**
 * Spans per second through the runner's intake (OTLP/HTTP protobuf → token check → decode →
 * pipeline batches → ClickHouse) against a direct insert of the same rows into the same engine
 * (`@clickhouse/client`, JSONEachRow, the pipeline's batch size and dedup settings), alternating
 * in rounds so drift hits both alike. Each round writes under its own tenant id and ends when
 * ClickHouse holds every span of the round.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyJwk, importSigningKey } from '@cameleer/shared';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import protobuf from 'protobufjs';
import { signAgentSession } from '../edge/src/services/agent-tokens.ts';
import { agentTokenVerifier } from '../runner/src/telemetry/agent-token.ts';
import { withCamelHops } from '../runner/src/telemetry/camel/camel-hops-sink.ts';
import { startIntakeServer } from '../runner/src/telemetry/intake-server.ts';
import { decodeOtlp } from '../runner/src/telemetry/otlp/decode.ts';
import { createTelemetryPipeline } from '../runner/src/telemetry/pipeline/index.ts';
import type { TelemetryScope } from '../runner/src/telemetry/rows.ts';

export type IntakePlan = { spans: number; spansPerRequest: number; concurrency: number; rounds: number };
export type IntakeResult = { directSpansPerSecond: number; intakeSpansPerSecond: number };

const protoPath = new URL('../runner/src/telemetry/otlp/proto/otlp.proto', import.meta.url);
const requestType = protobuf
  .parse(readFileSync(protoPath, 'utf8'))
  .root.lookupType('otlp.ExportTraceServiceRequest');

export async function benchIntake(
  clickhouseUrl: string,
  plan: IntakePlan,
  log: (line: string) => void,
): Promise<IntakeResult> {
  const client = createClient({ url: clickhouseUrl });
  const stateDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-intake-'));
  const key = await importSigningKey(await generateSigningKeyJwk());
  const pipeline = await createTelemetryPipeline({ stateDir, clickhouse: { url: clickhouseUrl } });
  const verifyToken = agentTokenVerifier(() => [key.publicJwk]);
  // As in the runner: the Camel route resolver in front of the pipeline, its hops stored with the spans.
  const sink = withCamelHops(pipeline);
  const intake = await startIntakeServer({ verifyToken, sink });
  const bodies = otlpBodies(plan);
  const direct: number[] = [];
  const through: number[] = [];
  try {
    for (let round = 0; round < plan.rounds; round++) {
      const scope = benchScope(`ten_bdirect${round}`);
      const rows = bodies.flatMap((body) => decodeOtlp('traces', 'protobuf', body, scope).otel_traces ?? []);
      direct.push(
        await timed(
          plan.spans,
          () => insertDirect(client, rows),
          () => count(client, scope),
        ),
      );
      log(`  round ${round + 1}: direct ${Math.round(direct.at(-1) ?? 0)} spans/s`);

      const intakeScope = benchScope(`ten_bintake${round}`);
      const token = await signAgentSession(key, intakeScope, new Date(), 3600);
      const send = () => sendAll(intake.url, token, bodies, plan.concurrency).then(() => pipeline.drain());
      through.push(await timed(plan.spans, send, () => count(client, intakeScope)));
      log(`  round ${round + 1}: intake ${Math.round(through.at(-1) ?? 0)} spans/s`);
    }
  } finally {
    await intake.close();
    sink.close();
    await pipeline.close();
    await client.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return { directSpansPerSecond: median(direct), intakeSpansPerSecond: median(through) };
}

export function benchScope(tenantId: string): TelemetryScope {
  return { tenantId, environment: 'dev', app: 'orders', deploymentId: 'dep_bench', retentionDays: 30 };
}

/** Runs `work`, then checks ClickHouse holds all `spans`; the rate over the whole of it. */
async function timed(spans: number, work: () => Promise<unknown>, stored: () => Promise<number>) {
  const began = performance.now();
  await work();
  const seconds = (performance.now() - began) / 1000;
  const n = await stored();
  if (n !== spans) throw new Error(`expected ${spans} spans stored, found ${n}`);
  return spans / seconds;
}

async function insertDirect(client: ClickHouseClient, rows: object[]): Promise<void> {
  const batch = 10_000;
  for (let i = 0; i < rows.length; i += batch) {
    await client.insert({
      table: 'otel_traces',
      values: rows.slice(i, i + batch),
      format: 'JSONEachRow',
      clickhouse_settings: {
        insert_deduplication_token: crypto.randomUUID(),
        deduplicate_blocks_in_dependent_materialized_views: 1,
      },
    });
  }
}

export async function count(client: ClickHouseClient, scope: TelemetryScope): Promise<number> {
  const result = await client.query({
    query: 'SELECT count() AS n FROM otel_traces WHERE TenantId = {tenant:String}',
    query_params: { tenant: scope.tenantId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** Sends the bodies to the intake, `concurrency` at a time, each until it is taken (429/503 retried). */
export async function sendAll(
  url: string,
  token: string,
  bodies: Buffer[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      if (!body) return;
      for (;;) {
        const res = await fetch(`${url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
          body: new Uint8Array(body),
        });
        await res.arrayBuffer();
        if (res.status === 200) break;
        if (res.status !== 429 && res.status !== 503) throw new Error(`intake answered ${res.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The sample app's trace shape (four spans per trace, camel-opentelemetry2's attributes), as protobuf requests. */
export function otlpBodies(plan: Pick<IntakePlan, 'spans' | 'spansPerRequest'>): Buffer[] {
  const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
  const bodies: Buffer[] = [];
  const ops = ['EVENT_RECEIVED', 'EVENT_SENT', 'EVENT_RECEIVED', 'EVENT_SENT'];
  const uris = [
    'platform-http://orders',
    'direct://validate',
    'direct://validate',
    'http://inventory/reserve',
  ];
  for (let first = 0; first < plan.spans; first += plan.spansPerRequest) {
    const spans = [];
    let traceId = randomBytes(16);
    let rootId = randomBytes(8);
    for (let i = first; i < Math.min(plan.spans, first + plan.spansPerRequest); i++) {
      const position = i % 4;
      if (position === 0) {
        traceId = randomBytes(16);
        rootId = randomBytes(8);
      }
      const start = startNs + BigInt(i) * 1000n;
      spans.push({
        traceId,
        spanId: position === 0 ? rootId : randomBytes(8),
        parentSpanId: position === 0 ? Buffer.alloc(0) : rootId,
        name: uris[position],
        kind: position % 2 === 0 ? 2 : 3,
        startTimeUnixNano: start.toString(),
        endTimeUnixNano: (start + 2_000_000n).toString(),
        attributes: [
          { key: 'op', value: { stringValue: ops[position] } },
          { key: 'camel.route.id', value: { stringValue: 'orders' } },
          { key: 'camel.uri', value: { stringValue: uris[position] } },
        ],
        status: { code: 1 },
      });
    }
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
          scopeSpans: [{ scope: { name: 'camel' }, spans }],
        },
      ],
    };
    bodies.push(Buffer.from(requestType.encode(requestType.fromObject(request)).finish()));
  }
  return bodies;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
