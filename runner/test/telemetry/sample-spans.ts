import { randomBytes } from 'node:crypto';
import {
  nanosToDateTime64,
  ownerColumns,
  type SpanRow,
  type TelemetryScope,
} from '../../src/telemetry/rows.ts';

/**
 * Spans shaped like the sample app's Camel traces as camel-opentelemetry and the OpenTelemetry Java
 * agent report them: four spans per trace (the `orders` route's HTTP consumer, its call to
 * `direct:validate`, the `validate` route's consumer, a call to an HTTP service), the resource
 * attributes the Java agent sets, random trace and span ids, recent timestamps (older rows would be
 * dropped by the retention TTL at insert), log-normal durations, 2 % of traces failing. Realistic
 * on purpose: the spool's bytes per record are measured on these.
 */
export const sampleScope: TelemetryScope = {
  tenantId: 'ten_01JTESTTENANT00000000000',
  environment: 'prod',
  app: 'orders',
  deploymentId: 'dep_01JTESTDEPLOY00000000000',
  retentionDays: 30,
};

const hops = [
  { name: 'orders', kind: 'Server', route: 'orders', uri: 'platform-http:///orders', parent: -1 },
  { name: 'validate', kind: 'Client', route: 'orders', uri: 'direct://validate', parent: 0 },
  { name: 'validate', kind: 'Server', route: 'validate', uri: 'direct://validate', parent: 1 },
  { name: 'POST', kind: 'Client', route: 'validate', uri: 'http://inventory:8080/reserve', parent: 2 },
] as const;

export const spansPerTrace = hops.length;

function resource(scope: TelemetryScope): Record<string, string> {
  return {
    'service.name': scope.app,
    'service.namespace': scope.tenantId,
    'service.instance.id': '6f1c2d4e-8a9b-4c3d-9e2f-0a1b2c3d4e5f',
    'deployment.environment': scope.environment,
    'cameleer.deployment.id': scope.deploymentId,
    'host.name': 'runner-7f9c',
    'host.arch': 'amd64',
    'os.type': 'linux',
    'process.pid': '4211',
    'process.runtime.name': 'OpenJDK Runtime Environment',
    'process.runtime.version': '21.0.5+11-LTS',
    'telemetry.sdk.language': 'java',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '1.44.1',
    'telemetry.distro.name': 'opentelemetry-java-instrumentation',
    'telemetry.distro.version': '2.10.0',
  };
}

function logNormalNanos(medianMs: number): number {
  const u = Math.random() || 1e-9;
  const v = Math.random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(1_000, Math.round(medianMs * 1e6 * Math.exp(0.8 * z)));
}

/** `count` spans (a multiple of four makes whole traces) starting about `ageMs` ago. */
export function sampleSpans(count: number, opts: { scope?: TelemetryScope; ageMs?: number } = {}): SpanRow[] {
  const scope = opts.scope ?? sampleScope;
  const owner = ownerColumns(scope);
  const res = resource(scope);
  const rows: SpanRow[] = [];
  let nowNanos = BigInt(Date.now() - (opts.ageMs ?? 60_000)) * 1_000_000n;
  while (rows.length < count) {
    const ids = randomBytes(56).toString('hex');
    const traceId = ids.slice(0, 32);
    const spanIds = [ids.slice(32, 48), ids.slice(48, 64), ids.slice(64, 80), ids.slice(80, 96)];
    const failed = Math.random() < 0.02;
    const exchangeId = `${ids.slice(96).toUpperCase()}-0000000000000${rows.length % 1000}`;
    for (let i = 0; i < hops.length && rows.length < count; i++) {
      const hop = hops[i];
      if (!hop) break;
      nowNanos += BigInt(Math.floor(Math.random() * 400_000));
      const attributes: Record<string, string> = {
        'camel.route.id': hop.route,
        'camel.uri': hop.uri,
        'camel.exchange.id': exchangeId,
        component: hop.uri.split(':')[0] ?? '',
        'thread.name': `executor-thread-${1 + (rows.length % 8)}`,
      };
      if (hop.name === 'POST') {
        attributes['http.request.method'] = 'POST';
        attributes['url.full'] = hop.uri;
        attributes['http.response.status_code'] = failed ? '503' : '200';
      }
      if (i === 0) {
        attributes['http.request.method'] = 'POST';
        attributes['url.path'] = '/orders';
        attributes['http.response.status_code'] = failed ? '500' : '200';
      }
      const error = failed && (i === 0 || i === 3);
      // Owner fields one by one: an object spread before this many keys takes V8's slow path (~25x).
      rows.push({
        TenantId: owner.TenantId,
        Environment: owner.Environment,
        App: owner.App,
        DeploymentId: owner.DeploymentId,
        RetentionDays: owner.RetentionDays,
        Timestamp: nanosToDateTime64(nowNanos),
        TraceId: traceId,
        SpanId: spanIds[i] ?? '',
        ParentSpanId: hop.parent >= 0 ? (spanIds[hop.parent] ?? '') : '',
        TraceState: '',
        SpanName: hop.name,
        SpanKind: hop.kind,
        ServiceName: scope.app,
        ResourceAttributes: res,
        ScopeName: 'org.apache.camel.opentelemetry',
        ScopeVersion: '4.8.1',
        SpanAttributes: attributes,
        Duration: logNormalNanos(i === 3 ? 12 : 3),
        StatusCode: error ? 'Error' : 'Unset',
        StatusMessage: error ? 'inventory unavailable' : '',
        'Events.Timestamp': error ? [nanosToDateTime64(nowNanos + 1_000_000n)] : [],
        'Events.Name': error ? ['exception'] : [],
        'Events.Attributes': error
          ? [
              {
                'exception.type': 'org.apache.camel.http.base.HttpOperationFailedException',
                'exception.message':
                  'HTTP operation failed invoking http://inventory:8080/reserve with statusCode: 503',
              },
            ]
          : [],
        'Links.TraceId': [],
        'Links.SpanId': [],
        'Links.TraceState': [],
        'Links.Attributes': [],
      });
    }
  }
  return rows;
}
