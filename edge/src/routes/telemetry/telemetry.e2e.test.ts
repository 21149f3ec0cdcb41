import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApp } from '../../../../runner/test/runner-internals.ts';
import { startTestClickHouse, type TestClickHouse } from '../../../test/clickhouse.ts';
import { type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';
import { until } from '../../../test/runners.ts';
import { clickhouseTelemetryStore } from '../../telemetry/store.ts';

type TraceItem = { traceId: string; error: boolean; spanCount: number; name: string };
type SpanNode = {
  name: string;
  attributes: Record<string, string>;
  status: { code: string };
  children: SpanNode[];
};
type TopologyNode = { uri?: string; routeId?: string; exchanges?: number; failures?: number; p99Ms?: number };
type TopologyEdge = {
  to: string;
  direction: string;
  routeId: string;
  endpoint: string;
  calls: number;
  failures: number;
  p99Ms: number;
};

/**
 * The "done when", on both orchestrators: deploy the sample app through the API, send it a
 * few requests, then find through the API its logs (captured stdout), its traces with span trees
 * (exported by the app over OTLP to the runner's intake, stored by the pipeline in ClickHouse), a
 * route topology with latencies, and the agent's own metrics after its bootstrap registration.
 */
describe.each(['process', 'docker'] as const)('telemetry of an app deployed on %s', (orchestrator) => {
  const tenant = `tel-${orchestrator}`;
  let clickhouse: TestClickHouse;
  let stack: DeployStack;

  beforeAll(async () => {
    clickhouse = await startTestClickHouse();
    stack = await startDeployStack({
      tenant,
      orchestrator,
      app: { name: 'orders' },
      runner: { telemetry: { clickhouse: { url: clickhouse.url } } },
      settleMs: 150_000,
    });
    stack.edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
  }, 120_000);

  afterAll(async () => {
    // What it deployed goes with it: no container or process outlives the test.
    if (stack) await stack.commandDone((await stack.action('remove', { environment: 'dev' }, 'orders')).id);
    await stack?.close();
    await clickhouse?.close();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await stack.api(`telemetry/${path}`, { token: stack.t.tokens.viewer });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  it('stores logs, traces, topology and agent metrics, attributed to the deployment', async () => {
    const deployed = await stack.settled((await stack.deploy((await stack.upload('1')).label)).id);
    expect(deployed.state).toBe('RUNNING');
    const url = deployed.url ?? '';
    for (let i = 0; i < 5; i++) expect((await fetchApp(`${url}/orders`)).status).toBe(200);
    expect((await fetchApp(`${url}/orders?fail=true`)).status).toBe(500);

    let traces: TraceItem[] = [];
    await until(
      async () => {
        ({ items: traces } = await get<{ items: TraceItem[] }>('traces?app=orders&environment=dev'));
        return traces.length >= 6;
      },
      60_000,
      'six traces through the API',
    );
    const failed = traces.find((t) => t.error);
    expect(failed).toBeDefined();
    expect(traces.filter((t) => t.error)).toHaveLength(1);

    const detail = await get<{ roots: SpanNode[] }>(`traces/${failed?.traceId}`);
    expect(detail.roots).toHaveLength(1);
    const root = detail.roots[0] as SpanNode;
    expect(root.attributes['camel.route.id']).toBe('orders');
    expect(root.status.code).toBe('Error');
    const names = (node: SpanNode): string[] => [node.name, ...node.children.flatMap(names)];
    expect(root.children.length).toBeGreaterThan(0);
    expect(names(root).length).toBeGreaterThanOrEqual(3);

    // The sample app emits camel-opentelemetry2's shape: the runner resolves its routes by `from` URI.
    const topology = await get<{ nodes: TopologyNode[]; edges: TopologyEdge[] }>(
      'topology?app=orders&environment=dev',
    );
    const orders = topology.nodes.find((n) => n.uri === 'platform-http://orders');
    expect(orders).toMatchObject({ routeId: 'orders', exchanges: 6, failures: 1 });
    expect(orders?.p99Ms).toBeGreaterThan(0);
    const toValidate = topology.edges.find(
      (e) => e.routeId === 'orders' && e.endpoint === 'direct://validate',
    );
    expect(toValidate).toMatchObject({ calls: 6, failures: 1, to: 'route:dev/orders/direct://validate' });

    // Container stdout/stderr, captured by the runner, searchable by text and level.
    type LogItem = { body: string; level: string; traceId: string; deploymentId: string };
    let logs: LogItem[] = [];
    await until(
      async () => {
        ({ items: logs } = await get<{ items: LogItem[] }>(
          'logs?app=orders&environment=dev&text=GET%20%2Forders',
        ));
        return logs.length >= 6;
      },
      60_000,
      'the request log lines',
    );
    expect(logs.every((l) => l.deploymentId === deployed.id)).toBe(true);
    const errors = await get<{ items: LogItem[] }>('logs?app=orders&environment=dev&level=error&text=orders');
    expect(errors.items.some((l) => l.traceId === failed?.traceId)).toBe(true);

    // The agent registered with its bootstrap token and reports JVM metrics with its session.
    await until(
      async () => {
        const result = await clickhouse.client.query({
          query:
            "SELECT count() AS n FROM otel_metrics_gauge WHERE TenantId = {tenant:String} AND MetricName = 'jvm.memory.used' AND DeploymentId = {dep:String}",
          query_params: { tenant: stack.t.id, dep: deployed.id },
          format: 'JSONEachRow',
        });
        const [row] = await result.json<{ n: string | number }>();
        return Number(row?.n ?? 0) > 0;
      },
      60_000,
      'the agent metrics',
    );
  }, 240_000);
});
