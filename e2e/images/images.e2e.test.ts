import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type Docker from 'dockerode';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../edge/test/clickhouse.ts';
import { until } from '../../edge/test/runners.ts';
import { ensureJreImage, testDocker } from '../../runner/test/docker-fixtures.ts';
import { buildSampleJar } from '../../runner/test/java-fixtures.ts';
import { fetchApp } from '../../runner/test/runner-internals.ts';
import {
  buildImage,
  containerLogs,
  engineSocket,
  freePort,
  removeImages,
  startContainer,
} from './image-builds.ts';
import { ensureJdkBase, ensureNodeBase } from './local-bases.ts';

type Deployment = { id: string; state: string; url: string | null; reason: string };
type RunnerView = {
  id: string;
  status: string;
  connectedAt: string | null;
  inventory: Array<{ name: string }>;
};

/**
 * The install path: both images built from the Dockerfiles on a locally assembled Node base;
 * the edge image on the machine's PostgreSQL; the runner image registered through it with a token,
 * on the engine's socket, deploying the sample app; the runner container stopped and started again
 * while the app keeps running.
 */
describe('the edge and runner images', () => {
  const id = randomBytes(4).toString('hex');
  const tags = { edge: `cameleer/edge:test-${id}`, runner: `cameleer/runner:test-${id}` };
  const names = { edge: `cameleer-edge-test-${id}`, runner: `cameleer-runner-test-${id}` };
  const volumes = { edge: `${names.edge}-data`, runner: `${names.runner}-state` };
  const app = `img-${id}`;
  const adminToken = `cam_images-${id}-admin-token-0123456789`;
  const database = `cameleer_images_${id}`;
  const pgUrl = process.env.CAMELEER_TEST_PG_URL ?? '';
  let docker: Docker;
  let edgeUrl = '';
  let frontPort = 0;
  let jreImage = '';
  let edge: Docker.Container | undefined;
  let runner: Docker.Container | undefined;
  let deployment: Deployment | undefined;
  let clickhouse: TestClickHouse | undefined;

  const api = async (
    path: string,
    init: { method?: string; json?: unknown; body?: Uint8Array<ArrayBuffer> } = {},
  ) =>
    fetch(`${edgeUrl}/api/tenants/default/${path}`, {
      method: init.method ?? (init.json || init.body ? 'POST' : 'GET'),
      headers: {
        authorization: `Bearer ${adminToken}`,
        'content-type': init.body ? 'application/java-archive' : 'application/json',
      },
      body: init.body ?? (init.json ? JSON.stringify(init.json) : undefined),
    });
  const runnerView = async () => ((await (await api('runners')).json()) as { items: RunnerView[] }).items[0];
  const appContainers = async () =>
    docker.listContainers({
      all: true,
      filters: { label: [`cameleer.tenant=default`, `cameleer.app=${app}`] },
    });
  const withLogs = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
    try {
      await until(check, timeoutMs, what);
    } catch (err) {
      const logs = await Promise.all([edge, runner].map((c) => (c ? containerLogs(c) : '')));
      throw new Error(`${(err as Error).message}\nedge:\n${logs[0]}\nrunner:\n${logs[1]}`);
    }
  };

  beforeAll(async () => {
    if (!pgUrl) throw new Error('CAMELEER_TEST_PG_URL is not set: run the tests with `npm test`');
    docker = testDocker();
    const [, , jre] = await Promise.all([
      ensureNodeBase(docker),
      ensureJdkBase(docker),
      ensureJreImage(docker),
    ]);
    jreImage = jre;
    // A ClickHouse server as the images expect one (they have no embedded chDB): chDB's HTTP stand-in.
    [clickhouse] = await Promise.all([
      startTestClickHouse(),
      buildImage('edge', tags.edge, id),
      buildImage('runner', tags.runner, id),
    ]);
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const databaseUrl = new URL(pgUrl);
    databaseUrl.pathname = `/${database}`;
    const port = await freePort();
    edgeUrl = `http://127.0.0.1:${port}`;
    edge = await startContainer(docker, {
      name: names.edge,
      image: tags.edge,
      env: {
        DATABASE_URL: databaseUrl.toString(),
        PORT: String(port),
        HOST: '127.0.0.1',
        CAMELEER_PUBLIC_URL: edgeUrl,
        CAMELEER_ADMIN_TOKEN: adminToken,
        CAMELEER_CLICKHOUSE_URL: clickhouse.url,
      },
      binds: [`${volumes.edge}:/var/lib/cameleer`],
    });
    await withLogs(
      'the edge ready',
      async () => (await fetch(`${edgeUrl}/readyz`).catch(() => null))?.ok ?? false,
      60_000,
    );
  }, 420_000);

  afterAll(async () => {
    for (const c of await appContainers().catch(() => []))
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {});
    for (const c of [runner, edge]) await c?.remove({ force: true }).catch(() => {});
    for (const v of Object.values(volumes))
      await docker
        .getVolume(v)
        .remove()
        .catch(() => {});
    const appImages = await docker
      .listImages({ filters: { label: [`cameleer.app=${app}`] } })
      .catch(() => []);
    for (const image of appImages)
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => {});
    // The tenant-environment's network, unless something else still runs on it.
    await docker
      .getNetwork('cameleer-default-dev')
      .remove()
      .catch(() => {});
    await removeImages(docker, Object.values(tags), id).catch(() => {});
    await clickhouse?.close();
    if (pgUrl) {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);

  it('are non-root, with a volume for their state, a health check and OCI labels', async () => {
    for (const [name, volume] of [
      ['edge', '/var/lib/cameleer'],
      ['runner', '/var/lib/cameleer-runner'],
    ] as const) {
      const { Config } = await docker.getImage(tags[name]).inspect();
      expect(Config.User).toBe('10001:10001');
      expect(Object.keys(Config.Volumes ?? {})).toEqual([volume]);
      expect(Config.Healthcheck?.Test?.length).toBeGreaterThan(0);
      expect(Config.Labels).toMatchObject({
        'org.opencontainers.image.title': `cameleer-${name}`,
        'org.opencontainers.image.version': '0.1.0',
      });
      for (const label of ['description', 'source', 'licenses'])
        expect(Config.Labels?.[`org.opencontainers.image.${label}`]).toBeTruthy();
    }
  });

  it('serves the API and the built console from the edge image on PostgreSQL, read-only', async () => {
    const page = await fetch(`${edgeUrl}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect((await api('environments')).status).toBe(200);
  });

  it('registers the runner image with a token through the edge image and deploys the sample app', async () => {
    const created = await api('runner-tokens', { json: {} });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    frontPort = await freePort();
    const socket = engineSocket();
    runner = await startContainer(docker, {
      name: names.runner,
      image: tags.runner,
      env: {
        CAMELEER_EDGE_URL: edgeUrl,
        CAMELEER_REGISTRATION_TOKEN: token,
        CAMELEER_RUNNER_NAME: names.runner,
        CAMELEER_ORCHESTRATOR: 'docker',
        // No registry here: the JRE base the Docker tests make locally, not the image's default.
        CAMELEER_JRE_IMAGE: jreImage,
        CAMELEER_FRONT_PORT: String(frontPort),
        CAMELEER_CLICKHOUSE_URL: clickhouse?.url ?? '',
      },
      binds: [`${socket}:/var/run/docker.sock`, `${volumes.runner}:/var/lib/cameleer-runner`],
      groupAdd: [String((await stat(socket)).gid)],
    });
    await withLogs('the runner online', async () => (await runnerView())?.status === 'online', 60_000);

    expect((await api('apps', { json: { name: app } })).status).toBe(201);
    const jar = new Uint8Array(await readFile(await buildSampleJar({ version: '1' })));
    expect((await api(`apps/${app}/versions?label=1`, { body: jar })).status).toBe(201);
    const posted = await api(`apps/${app}/deployments`, { json: { environment: 'dev', version: '1' } });
    expect(posted.status).toBe(202);
    const depId = ((await posted.json()) as Deployment).id;
    const current = async () => (await (await api(`deployments/${depId}`)).json()) as Deployment;
    await withLogs(
      'a final state',
      async () => ['RUNNING', 'FAILED'].includes((await current()).state),
      150_000,
    );
    deployment = await current();
    expect(deployment.state, deployment.reason).toBe('RUNNING');
    const answer = await fetchApp(deployment.url ?? '', { signal: AbortSignal.timeout(5_000) });
    expect(await answer.text()).toContain('version 1');
    // The app's telemetry: agent → the runner container's intake → ClickHouse → the edge image's API.
    await withLogs(
      "the app's log lines through the edge's API",
      async () => {
        const res = await api(`telemetry/logs?app=${app}&environment=dev`);
        return res.ok && ((await res.json()) as { items: unknown[] }).items.length > 0;
      },
      60_000,
    );
  }, 240_000);

  it('reports both containers healthy through their HEALTHCHECK', async () => {
    const healthy = async (c: Docker.Container | undefined) =>
      (await c?.inspect())?.State.Health?.Status === 'healthy';
    await withLogs('both healthy', async () => (await healthy(edge)) && (await healthy(runner)), 90_000);
  }, 100_000);

  it('keeps the app running while the runner container is stopped; started again, it rediscovers it', async () => {
    if (!runner || !deployment) throw new Error('the previous test did not deploy');
    const before = (await appContainers()).map((c) => c.Id);
    expect(before).toHaveLength(1);
    const connectedBefore = (await runnerView())?.connectedAt;
    await runner.stop({ t: 20 });
    const [alone] = await appContainers();
    expect(alone?.State).toBe('running');
    const published = alone?.Ports.find((p) => p.PrivatePort === 8080)?.PublicPort;
    expect(await (await fetch(`http://127.0.0.1:${published}/`)).text()).toContain('version 1');

    await runner.start();
    await withLogs(
      'the runner back online with the app in its inventory',
      async () => {
        const view = await runnerView();
        return (
          view?.status === 'online' &&
          view.connectedAt !== connectedBefore &&
          view.inventory.some((i) => i.name === `default/dev/${app}`)
        );
      },
      60_000,
    );
    expect((await appContainers()).map((c) => c.Id)).toEqual(before);
    const after = (await (await api(`deployments/${deployment.id}`)).json()) as Deployment;
    expect(after.state).toBe('RUNNING');
    expect(after.url).toBe(deployment.url);
    const answer = await fetchApp(after.url ?? '', { signal: AbortSignal.timeout(5_000) });
    expect(await answer.text()).toContain('version 1');
  }, 120_000);
});
