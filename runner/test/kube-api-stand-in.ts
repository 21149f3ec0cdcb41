/**
 * A stateful stand-in for the Kubernetes API server, on 127.0.0.1, for the endpoints the Kubernetes
 * orchestrator uses. Bodies are shaped as the API reference documents them (Status objects, lists
 * with a resourceVersion, newline-delimited watch events), and state is kept as the server keeps it:
 * resourceVersion per write, generation per spec change, observedGeneration and conditions set by a
 * small Deployment controller that makes ReplicaSets and "schedules" pods. How pods of an image
 * behave is up to the test (`behave`): ready, never ready, or failing with a waiting reason.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KanikoStandIn } from './kaniko-stand-in.ts';
import { AttachStandIn } from './kube-attach-stand-in.ts';
import { DeploymentController, type PodBehaviour } from './kube-controller-stand-in.ts';
import { JobController } from './kube-job-stand-in.ts';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  spec?: Record<string, unknown> & { replicas?: number };
  status?: Record<string, unknown>;
  [key: string]: unknown;
};

type Resource = { plural: string; kind: string; group: string; namespaced: boolean };

const resources: Resource[] = [
  { plural: 'namespaces', kind: 'Namespace', group: 'v1', namespaced: false },
  { plural: 'pods', kind: 'Pod', group: 'v1', namespaced: true },
  { plural: 'services', kind: 'Service', group: 'v1', namespaced: true },
  { plural: 'configmaps', kind: 'ConfigMap', group: 'v1', namespaced: true },
  { plural: 'secrets', kind: 'Secret', group: 'v1', namespaced: true },
  { plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', group: 'v1', namespaced: true },
  { plural: 'resourcequotas', kind: 'ResourceQuota', group: 'v1', namespaced: true },
  { plural: 'limitranges', kind: 'LimitRange', group: 'v1', namespaced: true },
  { plural: 'deployments', kind: 'Deployment', group: 'apps/v1', namespaced: true },
  { plural: 'replicasets', kind: 'ReplicaSet', group: 'apps/v1', namespaced: true },
  { plural: 'ingresses', kind: 'Ingress', group: 'networking.k8s.io/v1', namespaced: true },
  { plural: 'networkpolicies', kind: 'NetworkPolicy', group: 'networking.k8s.io/v1', namespaced: true },
  { plural: 'jobs', kind: 'Job', group: 'batch/v1', namespaced: true },
  {
    plural: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscaling/v2',
    namespaced: true,
  },
];

type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject; plural: string; rv: number };
type Watcher = { plural: string; namespace?: string; match: (o: KubeObject) => boolean; res: ServerResponse };
type LogFollower = { key: string; res: ServerResponse; timestamps: boolean };
type LogLine = { time: string; line: string };

export class KubeApiStandIn {
  readonly server: Server;
  readonly controller: DeploymentController;
  readonly jobs: JobController;
  /** What build pods run: reads the context from stdin, "pushes" the image. */
  readonly kaniko: KanikoStandIn;
  readonly attach: AttachStandIn;
  /** Every request, `METHOD path`, for tests that look at what the client did. */
  readonly requests: string[] = [];
  private readonly store = new Map<string, KubeObject>();
  private readonly logs = new Map<string, LogLine[]>();
  private lastLogTime = 0;
  private readonly logFollowers = new Set<LogFollower>();
  private readonly watchers = new Set<Watcher>();
  private events: WatchEvent[] = [];
  /** resourceVersions before this one are forgotten: a watch from there gets 410 Gone. */
  private oldestRemembered = 0;
  private revision = 0;
  /** Watches refused with 410 Gone so far. */
  expiredWatches = 0;
  private readonly faults: { method: string; plural: string; code: number }[] = [];

  private constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => this.status(res, 500, 'InternalError', err.message));
    });
    this.controller = new DeploymentController(this);
    this.jobs = new JobController(this);
    this.kaniko = new KanikoStandIn(this);
    this.attach = new AttachStandIn(this);
    this.server.on('upgrade', (req, socket, head) => this.attach.upgrade(req, socket, head));
  }

  static async start(): Promise<KubeApiStandIn> {
    const standIn = new KubeApiStandIn();
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A client configuration pointed at the stand-in, as a kubeconfig would be. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'stand-in', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'runner', token: 'stand-in-token' }],
      contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'runner', namespace: 'default' }],
      currentContext: 'stand-in',
    });
    return kc;
  }

  async close(): Promise<void> {
    this.controller.stop();
    this.jobs.stop();
    this.attach.close();
    for (const w of this.watchers) w.res.destroy();
    for (const f of this.logFollowers) f.res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `method` on `plural` answers `code` (409 Conflict, 500…) instead of doing anything. */
  failNext(method: string, plural: string, code: number): void {
    this.faults.push({ method, plural, code });
  }

  behave(image: string, behaviour: PodBehaviour): void {
    this.controller.behaviours.set(image, behaviour);
  }

  /** Forgets the event history, as etcd compaction does: watches from an older version get 410 Gone. */
  compact(): void {
    this.oldestRemembered = this.revision + 1;
    this.events = [];
  }

  /** Ends every open watch stream, as a server restart or a load balancer timeout does. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  get(plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(key(plural, namespace, name));
  }

  all(plural: string, namespace?: string): KubeObject[] {
    return [...this.store.entries()]
      .filter(([k]) => k.startsWith(`${plural}/${namespace ?? ''}`))
      .map(([, o]) => o);
  }

  /** A line of a pod's output; followers of its log get it at once. */
  appendLog(namespace: string, pod: string, line: string): void {
    const k = key('pods', namespace, pod);
    // The kubelet's timestamps: RFC 3339 with nanoseconds, never two alike here.
    this.lastLogTime = Math.max(Date.now() * 1000, this.lastLogTime + 1);
    const entry = { time: rfc3339Nano(this.lastLogTime), line };
    this.logs.set(k, [...(this.logs.get(k) ?? []), entry]);
    for (const f of this.logFollowers) if (f.key === k) f.res.write(formatLog(entry, f.timestamps));
  }

  /** Writes as the server does: a new resourceVersion, and generation when the spec changed. */
  put(plural: string, object: KubeObject, type: 'ADDED' | 'MODIFIED'): KubeObject {
    const ns = object.metadata.namespace;
    const previous = this.get(plural, ns, object.metadata.name);
    const rv = ++this.revision;
    const generation =
      previous && JSON.stringify(previous.spec) === JSON.stringify(object.spec)
        ? (previous.metadata.generation ?? 1)
        : (previous?.metadata.generation ?? 0) + 1;
    const stored: KubeObject = structuredClone({
      ...object,
      metadata: {
        ...object.metadata,
        uid: previous?.metadata.uid ?? randomBytes(8).toString('hex'),
        creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString(),
        resourceVersion: String(rv),
        generation,
      },
    });
    this.store.set(key(plural, ns, object.metadata.name), stored);
    this.publish({ type, object: stored, plural, rv });
    if (plural === 'deployments' || plural === 'replicasets') this.controller.nudge();
    if (plural === 'jobs' || plural === 'pods') this.jobs.nudge();
    return stored;
  }

  /** The pod's (only) container ends: its log stream ends, and its Job controller counts it. */
  terminatePod(pod: KubeObject, exitCode: number): void {
    const ns = pod.metadata.namespace ?? '';
    const fresh = this.get('pods', ns, pod.metadata.name);
    if (!fresh) return;
    const statuses = (fresh.status?.containerStatuses ?? []) as Record<string, unknown>[];
    const now = new Date().toISOString();
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: now,
      finishedAt: now,
    };
    this.put(
      'pods',
      {
        ...fresh,
        status: {
          ...fresh.status,
          phase: exitCode === 0 ? 'Succeeded' : 'Failed',
          conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }],
          containerStatuses: statuses.map((c) => ({ ...c, ready: false, state: { terminated } })),
        },
      },
      'MODIFIED',
    );
    const k = key('pods', ns, pod.metadata.name);
    for (const f of this.logFollowers) if (f.key === k) f.res.end();
  }

  remove(plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const k = key(plural, namespace, name);
    const object = this.store.get(k);
    if (!object) return undefined;
    this.store.delete(k);
    const rv = ++this.revision;
    const gone = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    this.publish({ type: 'DELETED', object: gone, plural, rv });
    if (plural === 'pods') {
      for (const f of this.logFollowers) if (f.key === k) f.res.end();
      this.logs.delete(k);
    }
    // Garbage collection: what the object owned goes with it; a namespace takes everything in it.
    for (const [other, o] of [...this.store.entries()]) {
      const owned = o.metadata.ownerReferences?.some((r) => r.uid === object.metadata.uid);
      const inside = plural === 'namespaces' && o.metadata.namespace === name;
      if (owned || inside) {
        const [p, ns, n] = other.split('/');
        this.remove(p ?? '', ns || undefined, n ?? '');
      }
    }
    this.controller.nudge();
    this.jobs.nudge();
    return gone;
  }

  private publish(event: WatchEvent): void {
    this.events.push(event);
    for (const w of this.watchers) {
      if (
        w.plural === event.plural &&
        (!w.namespace || w.namespace === event.object.metadata.namespace) &&
        w.match(event.object)
      ) {
        w.res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== 'Bearer stand-in-token') {
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const discovery = resources.filter(
      (r) => `/${r.group === 'v1' ? 'api' : 'apis'}/${r.group}` === url.pathname,
    );
    if (discovery.length) {
      return json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: discovery[0]?.group,
        resources: discovery.map((r) => ({
          name: r.plural,
          singularName: '',
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        })),
      });
    }
    if (url.pathname === '/version')
      return json(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-stand-in' });
    const route = parsePath(url.pathname);
    if (!route)
      return this.status(
        res,
        404,
        'NotFound',
        `the server could not find the requested resource (${url.pathname})`,
      );
    const { resource, namespace, name, sub } = route;
    const fault = this.faults.findIndex((f) => f.method === req.method && f.plural === resource.plural);
    if (fault >= 0) {
      const [{ code } = { code: 500 }] = this.faults.splice(fault, 1);
      const reason = code === 409 ? 'Conflict' : 'InternalError';
      return this.status(res, code, reason, `${resource.plural} "${name ?? ''}": injected ${reason}`);
    }
    if (sub === 'log' && name && req.method === 'GET')
      return this.podLog(res, namespace, name, url.searchParams);
    const query = url.searchParams;
    switch (req.method) {
      case 'GET':
        if (name) {
          const found = this.get(resource.plural, namespace, name);
          return found ? json(res, 200, found) : this.notFound(res, resource, name);
        }
        if (query.get('watch') === 'true') return this.watch(req, res, resource, namespace, query);
        return json(res, 200, {
          kind: `${resource.kind}List`,
          apiVersion: resource.group,
          metadata: { resourceVersion: String(this.revision) },
          items: this.all(resource.plural, namespace).filter(selects(query)),
        });
      case 'POST': {
        const body = (await readJson(req)) as KubeObject;
        const invalid = validate(resource, body, namespace);
        if (invalid)
          return this.status(
            res,
            422,
            'Invalid',
            `${resource.kind} "${body?.metadata?.name ?? ''}" is invalid: ${invalid}`,
          );
        if (resource.namespaced && !this.get('namespaces', undefined, namespace ?? '')) {
          return this.status(res, 404, 'NotFound', `namespaces "${namespace}" not found`);
        }
        if (this.get(resource.plural, namespace, body.metadata.name)) {
          return this.status(
            res,
            409,
            'AlreadyExists',
            `${resource.plural} "${body.metadata.name}" already exists`,
          );
        }
        const created = this.put(
          resource.plural,
          { ...body, metadata: { ...body.metadata, ...(namespace ? { namespace } : {}) } },
          'ADDED',
        );
        return json(res, 201, created);
      }
      case 'PUT': {
        if (!name) return this.status(res, 405, 'MethodNotAllowed', 'PUT needs a name');
        const body = (await readJson(req)) as KubeObject;
        const invalid =
          validate(resource, body, namespace) ??
          (body.metadata.name !== name
            ? 'metadata.name: Invalid value: the name of the object does not match the name on the URL'
            : undefined);
        if (invalid)
          return this.status(res, 422, 'Invalid', `${resource.kind} "${name}" is invalid: ${invalid}`);
        const current = this.get(resource.plural, namespace, name);
        if (!current) return this.notFound(res, resource, name);
        if (
          body.metadata.resourceVersion &&
          body.metadata.resourceVersion !== current.metadata.resourceVersion
        ) {
          return this.status(
            res,
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${resource.plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          );
        }
        if (
          (current as { immutable?: boolean }).immutable &&
          JSON.stringify(current.data) !== JSON.stringify(body.data)
        ) {
          return this.status(
            res,
            422,
            'Invalid',
            `${resource.kind} "${name}" is invalid: field is immutable`,
          );
        }
        // Status belongs to the controller: a replace of the object keeps it.
        return json(
          res,
          200,
          this.put(
            resource.plural,
            {
              ...body,
              status: current.status ?? {},
              metadata: { ...body.metadata, namespace: current.metadata.namespace },
            } as KubeObject,
            'MODIFIED',
          ),
        );
      }
      case 'DELETE': {
        if (!name) return this.status(res, 405, 'MethodNotAllowed', 'DELETE needs a name');
        const gone = this.remove(resource.plural, namespace, name);
        return gone
          ? json(res, 200, {
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Success',
              details: { name, kind: resource.plural },
            })
          : this.notFound(res, resource, name);
      }
      default:
        return this.status(res, 405, 'MethodNotAllowed', `${req.method} is not supported by the stand-in`);
    }
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    resource: Resource,
    namespace: string | undefined,
    query: URLSearchParams,
  ): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const from = query.get('resourceVersion');
    const match = selects(query);
    const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
    if (from && from !== '0' && Number(from) < this.oldestRemembered) {
      // As the API server does: the stream opens, says the version is gone, and ends.
      this.expiredWatches++;
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${from} (${this.oldestRemembered})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    if (!from || from === '0') {
      for (const o of this.all(resource.plural, namespace).filter(match)) send('ADDED', o);
    } else {
      for (const e of this.events) {
        if (
          e.rv > Number(from) &&
          e.plural === resource.plural &&
          (!namespace || e.object.metadata.namespace === namespace) &&
          match(e.object)
        )
          send(e.type, e.object);
      }
    }
    const watcher: Watcher = { plural: resource.plural, ...(namespace ? { namespace } : {}), match, res };
    this.watchers.add(watcher);
    req.on('close', () => this.watchers.delete(watcher));
  }

  private podLog(
    res: ServerResponse,
    namespace: string | undefined,
    name: string,
    query: URLSearchParams,
  ): void {
    const k = key('pods', namespace, name);
    if (!this.store.has(k)) {
      this.notFound(res, resources[1] as Resource, name);
      return;
    }
    const tail = query.get('tailLines');
    const since = query.get('sinceTime');
    const timestamps = query.get('timestamps') === 'true';
    const lines = (this.logs.get(k) ?? []).filter((l) => !since || l.time >= since);
    const shown = tail ? lines.slice(-Number(tail)) : lines;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(shown.map((l) => formatLog(l, timestamps)).join(''));
    const phase = this.store.get(k)?.status?.phase;
    // A container that has ended writes no more: a follow ends with what there is.
    if (query.get('follow') !== 'true' || phase === 'Succeeded' || phase === 'Failed') {
      res.end();
      return;
    }
    const follower = { key: k, res, timestamps };
    this.logFollowers.add(follower);
    res.on('close', () => this.logFollowers.delete(follower));
  }

  private notFound(res: ServerResponse, resource: Resource, name: string): void {
    this.status(
      res,
      404,
      'NotFound',
      `${resource.plural}${resource.group === 'v1' ? '' : `.${resource.group.split('/')[0]}`} "${name}" not found`,
      { name, kind: resource.plural },
    );
  }

  private status(
    res: ServerResponse,
    code: number,
    reason: string,
    message: string,
    details?: unknown,
  ): void {
    json(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    });
  }
}

function formatLog({ time, line }: LogLine, timestamps: boolean): string {
  return timestamps ? `${time} ${line}\n` : `${line}\n`;
}

/** Microseconds since the epoch (exact in a double) as RFC 3339 with nine fraction digits, as the kubelet writes. */
function rfc3339Nano(micros: number): string {
  const fraction = `${String(micros % 1_000_000).padStart(6, '0')}000`;
  return `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}.${fraction}Z`;
}

function key(plural: string, namespace: string | undefined, name: string): string {
  return `${plural}/${namespace ?? ''}/${name}`;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function parsePath(
  path: string,
): { resource: Resource; namespace?: string; name?: string; sub?: string } | undefined {
  const m =
    /^\/(?:api\/v1|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+)(?=\/))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
      path,
    );
  if (!m) return undefined;
  const group = m[1] ?? 'v1';
  const [, , namespace, plural, name, sub] = m;
  const resource = resources.find((r) => r.group === group && r.plural === plural);
  if (!resource) return undefined;
  return {
    resource,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name: decodeURIComponent(name) } : {}),
    ...(sub ? { sub } : {}),
  };
}

/** `labelSelector=k=v,k=v` and `fieldSelector=metadata.name=x`, the only selectors the orchestrator uses. */
function selects(query: URLSearchParams): (o: KubeObject) => boolean {
  const labels = (query.get('labelSelector') ?? '')
    .split(',')
    .filter(Boolean)
    .map((p) => p.split('='));
  const fields = (query.get('fieldSelector') ?? '')
    .split(',')
    .filter(Boolean)
    .map((p) => p.split('='));
  return (o) =>
    labels.every(([k, v]) => o.metadata.labels?.[k ?? ''] === v) &&
    fields.every(([k, v]) =>
      k === 'metadata.name'
        ? o.metadata.name === v
        : k === 'metadata.namespace'
          ? o.metadata.namespace === v
          : false,
    );
}

/** The few checks of the API server's validation the orchestrator could trip over. */
function validate(
  resource: Resource,
  body: KubeObject | undefined,
  namespace: string | undefined,
): string | undefined {
  if (!body?.metadata?.name) return 'metadata.name: Required value: name or generateName is required';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(body.metadata.name) || body.metadata.name.length > 253) {
    return `metadata.name: Invalid value: "${body.metadata.name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`;
  }
  if (body.kind && body.kind !== resource.kind)
    return `kind: Invalid value: "${body.kind}": must be ${resource.kind}`;
  if (body.metadata.namespace && namespace && body.metadata.namespace !== namespace) {
    return 'metadata.namespace: Invalid value: the namespace of the object does not match the namespace on the URL';
  }
  if (resource.kind === 'Deployment') {
    const spec = body.spec as
      | {
          selector?: { matchLabels?: Record<string, string> };
          template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: unknown[] } };
        }
      | undefined;
    if (!spec?.selector) return 'spec.selector: Required value';
    if (!spec.template?.spec?.containers?.length) return 'spec.template.spec.containers: Required value';
    const labels = spec.template.metadata?.labels ?? {};
    const mismatch = Object.entries(spec.selector.matchLabels ?? {}).some(([k, v]) => labels[k] !== v);
    if (mismatch)
      return 'spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`';
  }
  return undefined;
}
