/**
 * Cameleer's side of the deploy bench: the real edge in this process (embedded PGlite, listening on
 * loopback) and a real runner with the Docker orchestrator, driven over HTTP as the CLI would:
 * upload the JAR, POST a deployment, read it until RUNNING.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type Docker from 'dockerode';
import { createTestEdge, listenTestEdge } from '../edge/test/fixtures.ts';
import { startRealRunner } from '../edge/test/runners.ts';
import { recordEngineEvents } from './engine-events.ts';

/** One deployment, in phases; each ends where the next begins. */
export type CameleerRun = {
  /** Upload start → the API reads RUNNING. */
  totalMs: number;
  /** Upload start → the version is stored, then the deployment created. */
  requestsMs: number;
  /** Deployment created → the runner starts the deploy handler. */
  pickupMs: number;
  /** Handler start → image tagged (engine clock): artifact download, context, image build. */
  buildMs: number;
  /** Image tagged → container started (engine clock): network, volumes, create, start. */
  startMs: number;
  /** Container started → the runner sends its result: health check until the first 2xx. */
  healthyMs: number;
  /** Result sent → the API's poll reads RUNNING. */
  reportMs: number;
};

type Deployment = { id: string; state: string; reason: string; createdAt: string; commandId: string };

const pollMs = 50;
const now = () => performance.timeOrigin + performance.now();

export async function startCameleer(opts: { docker: Docker; agentJar: string }) {
  const saved = { agent: process.env.CAMELEER_AGENT_JAR, orchestrator: process.env.CAMELEER_ORCHESTRATOR };
  // The runner attaches the bench's agent, so its layer is the one the baseline builds too.
  process.env.CAMELEER_AGENT_JAR = opts.agentJar;
  process.env.CAMELEER_ORCHESTRATOR = 'docker';
  const slug = `bench${randomBytes(3).toString('hex')}`;
  const edge = await createTestEdge('pglite');
  const server = await listenTestEdge(edge);
  edge.services.settings.publicUrl = server.url;
  const tenant = await edge.tenant(slug);
  const { runner, stateDir } = await startRealRunner(server.url, tenant.tokens.admin, slug, {
    deployments: true,
    capabilities: ['docker'],
    name: 'bench',
  });
  await runner.connected(10_000);
  const engine = await recordEngineEvents(opts.docker);
  // By command id: the runner may see a command before the API call that made it returns.
  const pickedUp = new Map<string, number>();
  const finished = new Map<string, number>();
  runner.on('effect', ({ commandId }) => pickedUp.set(commandId, now()));
  runner.on('result', ({ commandId }) => finished.set(commandId, now()));

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const binary = body instanceof Uint8Array;
    const res = await fetch(`${server.url}/api/tenants/${slug}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tenant.tokens.developer}`,
        ...(body === undefined
          ? {}
          : { 'content-type': binary ? 'application/java-archive' : 'application/json' }),
      },
      body: body === undefined ? undefined : binary ? (body as BodyInit) : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  /** Everything the runner made for this tenant: containers, images (with their cached layers), networks. */
  const removeAll = async () => {
    const filters = { label: [`cameleer.tenant=${slug}`] };
    for (const c of await opts.docker.listContainers({ all: true, filters })) {
      await opts.docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {});
    }
    for (const image of await opts.docker.listImages({ filters })) {
      await opts.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => {});
    }
    for (const n of await opts.docker.listNetworks({ filters: { name: [`cameleer-${slug}-`] } })) {
      await opts.docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => {});
    }
  };

  return {
    async createApp(name: string): Promise<void> {
      await api('POST', '/apps', { name });
    },

    /**
     * Upload → RUNNING for one new version of `app` in dev. The API is polled once the runner has
     * sent its result: each GET costs the edge (in this process, on PGlite) several ms of CPU, so
     * polling all along would slow the very deployment it watches.
     */
    async deploy(app: string, jar: Uint8Array, label: string): Promise<CameleerRun> {
      const start = now();
      await api('POST', `/apps/${app}/versions?label=${label}`, jar);
      const created = await api<Deployment>('POST', `/apps/${app}/deployments`, {
        environment: 'dev',
        version: label,
      });
      const deadline = Date.now() + 120_000;
      while (!finished.has(created.commandId)) {
        if (Date.now() > deadline) throw new Error(`deployment of ${app} ${label}: no result within 120 s`);
        await new Promise((r) => setTimeout(r, 5));
      }
      for (;;) {
        const d = await api<Deployment>('GET', `/deployments/${created.id}`);
        if (d.state === 'RUNNING') {
          const seen = now();
          const tagged = await engine.last('tag', `cameleer/${slug}-${app}:`, start);
          const started = await engine.last('start', `cameleer-${slug}-dev-${app}-`, start);
          const createdAt = Date.parse(created.createdAt);
          const pickedUpAt = pickedUp.get(created.commandId) ?? Number.NaN;
          const resultAt = finished.get(created.commandId) ?? Number.NaN;
          return {
            totalMs: seen - start,
            requestsMs: createdAt - start,
            pickupMs: pickedUpAt - createdAt,
            buildMs: tagged - pickedUpAt,
            startMs: started - tagged,
            healthyMs: resultAt - started,
            reportMs: seen - resultAt,
          };
        }
        if (d.state === 'FAILED') throw new Error(`deployment of ${app} ${label} failed: ${d.reason}`);
        if (Date.now() > deadline) throw new Error(`deployment of ${app} ${label} not RUNNING within 120 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },

    /** Removed through the edge (so it does not redeploy it), then its images, so no layer of it stays cached. */
    async removeApp(app: string): Promise<void> {
      const { id } = await api<{ id: string }>('POST', `/apps/${app}/remove`, { environment: 'dev' });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { state, error } = await api<{ state: string; error: string | null }>('GET', `/commands/${id}`);
        if (state === 'succeeded') break;
        if (state === 'failed') throw new Error(`removing ${app} failed: ${error}`);
        if (Date.now() > deadline) throw new Error(`removing ${app} did not finish within 60 s`);
        await new Promise((r) => setTimeout(r, pollMs));
      }
      for (const image of await opts.docker.listImages({
        filters: { label: [`cameleer.tenant=${slug}`, `cameleer.app=${app}`] },
      })) {
        await opts.docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => {});
      }
    },

    async close(): Promise<void> {
      engine.stop();
      await runner.stop();
      await removeAll();
      await server.close();
      await edge.close();
      await rm(stateDir, { recursive: true, force: true });
      restoreEnv('CAMELEER_AGENT_JAR', saved.agent);
      restoreEnv('CAMELEER_ORCHESTRATOR', saved.orchestrator);
    },
  };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
