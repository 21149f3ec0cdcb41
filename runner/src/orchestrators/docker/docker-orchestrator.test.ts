import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJreImage, restartDockerEngine, testDocker } from '../../../test/docker-fixtures.ts';
import { buildSampleJar, buildTestAgentJar } from '../../../test/java-fixtures.ts';
import { type AppRef, type DeploySpec, type Instance, volumeName } from '../orchestrator.ts';
import { collect, demuxLines } from './container-logs.ts';
import { DockerOrchestrator } from './docker-orchestrator.ts';
import { APP_UID, type BuiltImage, buildAppImage } from './image-builder.ts';
import { networkName } from './labels.ts';

const docker = testDocker();
const tenant = `t${randomBytes(3).toString('hex')}`;
const ref: AppRef = { tenant, environment: 'dev', app: 'orders' };
const DATA = '/opt/app/data';
let onSwitch: (instance: Instance) => void = () => {};
const orchestrator = new DockerOrchestrator({
  docker,
  domain: 'apps.test',
  drainMs: 500,
  pingIntervalMs: 200,
  onSwitch: (instance) => onSwitch(instance),
});
const images: Record<'v1' | 'v2', BuiltImage> = {} as never;
const buildLines: Record<string, string[]> = {};

const spec = (version: string, image: string, overrides: Partial<DeploySpec> = {}): DeploySpec => ({
  ref,
  deploymentId: `d-${version}-${randomBytes(2).toString('hex')}`,
  version,
  image,
  env: { GREETING: 'hello' },
  resources: { memoryMb: 256, cpus: 1, pids: 256 },
  writeableVolumes: [DATA],
  healthCheck: { httpPath: '/health', timeoutSeconds: 30 },
  private: true,
  ...overrides,
});

async function get(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.text();
}

/** Runs a shell command in the container as the app's user, as the app itself would. */
async function exec(containerId: string, cmd: string): Promise<string> {
  const run = await docker
    .getContainer(containerId)
    .exec({ Cmd: ['sh', '-c', cmd], User: String(APP_UID), AttachStdout: true, AttachStderr: true });
  const stream = await run.start({});
  return (await collect(demuxLines(stream as AsyncIterable<Buffer>))).join('\n');
}

beforeAll(async () => {
  await ensureJreImage(docker);
  const agent = await buildTestAgentJar();
  for (const [key, version] of [
    ['v1', '1.0.0'],
    ['v2', '2.0.0'],
  ] as const) {
    const lines: string[] = [];
    const appJarPath = await buildSampleJar({ version });
    images[key] = await buildAppImage(
      docker,
      { tenant, app: ref.app, version, appJarPath, agentJarPath: agent },
      (l) => lines.push(l),
    );
    buildLines[key] = lines;
  }
}, 180_000);

afterAll(async () => {
  await orchestrator.remove(ref).catch(() => {});
  await orchestrator.remove({ ...ref, environment: 'prod' }).catch(() => {});
  for (const image of Object.values(images))
    await docker
      .getImage(image.tag)
      .remove({ force: true })
      .catch(() => {});
  for (const environment of ['dev', 'prod']) {
    await docker
      .getNetwork(networkName({ ...ref, environment }))
      .remove()
      .catch(() => {});
  }
}, 60_000);

describe('image builder', () => {
  it('tags and labels the image, and a new version rebuilds only the app layer', async () => {
    expect(images.v1.tag).toBe(`cameleer/${tenant}-orders:1.0.0`);
    const v1 = await docker.getImage(images.v1.tag).inspect();
    // Per-version identity is the tag and the container's labels: one step less per rebuild.
    expect(v1.Config.Labels).toMatchObject({ 'cameleer.tenant': tenant, 'cameleer.app': 'orders' });
    expect(v1.Config.Labels).not.toHaveProperty('cameleer.version');
    expect(v1.Config.Entrypoint).toEqual([
      'java',
      '-javaagent:/opt/cameleer/agent.jar',
      '-jar',
      '/opt/app/app.jar',
    ]);
    expect(v1.Config.User).toBe('10001:10001');

    const v2 = await docker.getImage(images.v2.tag).inspect();
    const [l1, l2] = [v1.RootFS.Layers ?? [], v2.RootFS.Layers ?? []];
    expect(l1).toHaveLength(4); // base, agent, WORKDIR, app
    expect(l2.slice(0, -1)).toEqual(l1.slice(0, -1));
    expect(l2.at(-1)).not.toBe(l1.at(-1));
    const v2Build = buildLines.v2?.join('\n') ?? '';
    expect(v2Build).toMatch(/COPY agent\.jar[^\n]*\n\s*---> Using cache/);
    expect(v2Build).not.toMatch(/COPY app\.jar[^\n]*\n\s*---> Using cache/);
  });
});

describe('DockerOrchestrator', () => {
  let v1: Instance;

  it('deploys v1: running, answering through its published port, labelled and routed', async () => {
    const progress: string[] = [];
    v1 = await orchestrator.deploy(spec('1.0.0', images.v1.tag, { artifactSha256: images.v1.sha256 }), (m) =>
      progress.push(m),
    );
    expect(v1.state).toBe('running');
    expect(v1.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${v1.url}/`)).toContain('version 1.0.0');
    expect(progress.join('\n')).toContain('healthy at');

    const info = await docker.getContainer(v1.id).inspect();
    expect(info.Config.Labels).toMatchObject({
      'cameleer.tenant': tenant,
      'cameleer.environment': 'dev',
      'cameleer.app': 'orders',
      'cameleer.version': '1.0.0',
      'cameleer.sha256': images.v1.sha256,
      [`traefik.http.routers.cameleer-${tenant}-dev-orders.rule`]: `Host(\`orders.dev.${tenant}.apps.test\`)`,
      [`traefik.http.routers.cameleer-${tenant}-dev-orders.middlewares`]: 'cameleer-auth@docker',
      [`traefik.http.services.cameleer-${tenant}-dev-orders.loadbalancer.server.port`]: '8080',
    });
    expect(info.Config.Env).toEqual(
      expect.arrayContaining(['PORT=8080', 'SERVER_PORT=8080', 'GREETING=hello']),
    );
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`cameleer-${tenant}-dev`]);
    expect(await orchestrator.status(ref)).toMatchObject({ id: v1.id, state: 'running', version: '1.0.0' });
  }, 60_000);

  it('runs hardened: read-only root, tmpfs /tmp, no capabilities, no-new-privileges, limits', async () => {
    const { HostConfig } = await docker.getContainer(v1.id).inspect();
    expect(HostConfig.ReadonlyRootfs).toBe(true);
    expect(Object.keys(HostConfig.Tmpfs ?? {})).toEqual(['/tmp']);
    expect(HostConfig.CapDrop).toEqual(['ALL']);
    expect(HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(HostConfig.PidsLimit).toBe(256);
    expect(HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(HostConfig.NanoCpus).toBe(1e9);
    expect(HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(HostConfig.PortBindings?.['8080/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
    expect(await exec(v1.id, 'echo x > /opt/app/x')).toMatch(/Read-only file system/);
  }, 30_000);

  it('replaces v1 with v2 blue/green: no request fails, traffic moves only once v2 is healthy', async () => {
    await exec(v1.id, `echo kept > ${DATA}/state.txt`);
    let target = v1.url ?? '';
    let healthyAt = 0;
    onSwitch = (instance) => {
      healthyAt = Date.now();
      target = instance.url ?? '';
    };
    const results: { at: number; url: string; body?: string; error?: string }[] = [];
    let deploying = true;
    const loop = (async () => {
      while (deploying) {
        const url = target;
        const at = Date.now();
        try {
          results.push({ at, url, body: await get(`${url}/`) });
        } catch (err) {
          results.push({ at, url, error: String(err) });
        }
      }
    })();
    const v2 = await orchestrator.deploy(spec('2.0.0', images.v2.tag), () => {});
    for (let i = 0; i < 20; i++)
      results.push({ at: Date.now(), url: v2.url ?? '', body: await get(`${v2.url}/`) });
    deploying = false;
    await loop;
    onSwitch = () => {};

    expect(results.filter((r) => r.error)).toEqual([]);
    expect(healthyAt).toBeGreaterThan(0);
    const before = results.filter((r) => r.at < healthyAt);
    const after = results.filter((r) => r.url === v2.url);
    expect(before.length).toBeGreaterThan(5);
    expect(before.every((r) => r.body?.includes('version 1.0.0'))).toBe(true);
    expect(after.every((r) => r.body?.includes('version 2.0.0') && r.at >= healthyAt)).toBe(true);
    // The old container is gone; the volume came along with its content.
    await expect(docker.getContainer(v1.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await orchestrator.list()).filter((i) => i.ref.tenant === tenant)).toHaveLength(1);
    const mounts = (await docker.getContainer(v2.id).inspect()).Mounts;
    expect(mounts).toEqual([
      expect.objectContaining({ Type: 'volume', Name: volumeName(ref, DATA), Destination: DATA }),
    ]);
    expect(await exec(v2.id, `cat ${DATA}/state.txt`)).toContain('kept');
    v1 = v2;
  }, 90_000);

  it('tails and follows logs', async () => {
    const tail: string[] = [];
    for await (const line of orchestrator.logs(ref, { tail: 200, follow: false })) tail.push(line);
    expect(tail.join('\n')).toContain('sample-app 2.0.0 started');

    const abort = new AbortController();
    const followed: string[] = [];
    const following = (async () => {
      for await (const line of orchestrator.logs(ref, { tail: 0, follow: true, signal: abort.signal })) {
        followed.push(line);
        if (line.includes('GET /?follow')) abort.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await get(`${v1.url}/?follow`);
    await following;
    expect(followed.some((l) => l.includes('GET /?follow'))).toBe(true);
  }, 30_000);

  it('names volumes per tenant and environment, and prunes them on remove', async () => {
    expect(volumeName({ ...ref, environment: 'prod' }, DATA)).not.toBe(volumeName(ref, DATA));
    expect(volumeName({ ...ref, tenant: `${tenant}x` }, DATA)).not.toBe(volumeName(ref, DATA));
    const prodRef = { ...ref, environment: 'prod' };
    const prod = await orchestrator.deploy(
      { ...spec('2.0.0', images.v2.tag), ref: prodRef, private: false },
      () => {},
    );
    const prodInfo = await docker.getContainer(prod.id).inspect();
    expect(prodInfo.Mounts[0]?.Name).toBe(volumeName(prodRef, DATA));
    expect(await exec(prod.id, `ls ${DATA}`)).not.toContain('state.txt');
    expect(Object.keys(prodInfo.Config.Labels).some((k) => k.endsWith('.middlewares'))).toBe(false);

    await orchestrator.remove(prodRef);
    await expect(docker.getVolume(volumeName(prodRef, DATA)).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(docker.getVolume(volumeName(ref, DATA)).inspect()).resolves.toBeTruthy();
    expect(await orchestrator.status(prodRef)).toBeUndefined();
  }, 60_000);

  it('rediscovers its running app after the Docker engine restarts', async () => {
    const engineEvents: string[] = [];
    orchestrator.on('engine-down', () => engineEvents.push('down'));
    orchestrator.on('engine-up', () => engineEvents.push('up'));
    orchestrator.watchEngine();
    try {
      await restartDockerEngine();
      const deadline = Date.now() + 60_000;
      let found: Instance | undefined;
      while (Date.now() < deadline) {
        found = (await orchestrator.list()).find((i) => i.ref.tenant === tenant && i.state === 'running');
        if (found?.url && (await get(`${found.url}/`).catch(() => '')).includes('version 2.0.0')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(found).toMatchObject({ id: v1.id, version: '2.0.0', state: 'running', ref });
      expect(await get(`${found?.url}/`)).toContain('version 2.0.0');
      for (let i = 0; i < 50 && !engineEvents.includes('up'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(engineEvents).toEqual(['down', 'up']);
    } finally {
      orchestrator.unwatchEngine();
    }
  }, 120_000);
});
