import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiStandIn } from '../../../test/kube-api-stand-in.ts';
import { imageBuildContext } from '../image-context.ts';
import { ImageBuildFailed, type ImageBuildSpec } from '../orchestrator.ts';
import { buildWithKaniko, type KanikoSettings } from './kaniko-build.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.ts';
import { defaultKubernetesSettings } from './settings.ts';

const registry = 'registry.example:5000/cameleer';
const ns = 'cameleer';
let standIn: KubeApiStandIn;
let api: KubeApi;
let dir: string;
const settings: KanikoSettings = { registry, namespace: ns, pollMs: 20, startTimeoutMs: 5_000 };

beforeAll(async () => {
  standIn = await KubeApiStandIn.start();
  standIn.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, 'ADDED');
  api = new KubeApi(standIn.kubeConfig());
  dir = await mkdtemp(join(tmpdir(), 'cameleer-kaniko-faults-'));
  await writeFile(join(dir, 'agent.jar'), 'PK\u0003\u0004 agent');
});

afterAll(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

async function spec(version: string): Promise<ImageBuildSpec> {
  const appJarPath = join(dir, `orders-${version}.jar`);
  await writeFile(appJarPath, `PK\u0003\u0004 orders ${version}`);
  return { tenant: 'acme', app: 'orders', version, appJarPath, agentJarPath: join(dir, 'agent.jar') };
}

const job = (version: string) => standIn.get('jobs', ns, `build-acme-orders-${version}`);

describe('Kaniko builds under faults', { timeout: 20_000 }, () => {
  it('fails at once, and removes the Job, when the executor image cannot be pulled', async () => {
    const executorImage = 'mirror.example/kaniko/executor:missing';
    standIn.behave(executorImage, 'ImagePullBackOff');
    const build = buildWithKaniko(api, await spec('v1'), { ...settings, executorImage }, () => {});
    await expect(build).rejects.toBeInstanceOf(ImageBuildFailed);
    await expect(build).rejects.toThrow(
      `the Kaniko executor image ${executorImage} could not be run (ImagePullBackOff: Back-off pulling image`,
    );
    expect(job('v1')).toBeUndefined();
  });

  it('fails, and removes the Job, when the context cannot be read to the end', async () => {
    const broken = async () =>
      new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024, 1));
          this.destroy(new Error('EIO: i/o error, read'));
        },
      });
    const build = buildWithKaniko(api, await spec('v2'), settings, () => {}, broken);
    await expect(build).rejects.toThrow('streaming the build context failed: EIO: i/o error, read');
    await expect.poll(() => job('v2')).toBeUndefined();
  });

  it('streams the context over v4.channel.k8s.io too, where closing the socket closes stdin', async () => {
    standIn.attach.protocols = ['v4.channel.k8s.io'];
    try {
      const progress: string[] = [];
      await buildWithKaniko(api, await spec('v4'), settings, (m) => progress.push(m));
      expect(progress.at(-1)).toBe(`image ${registry}/acme-orders:v4 pushed`);
      expect(standIn.kaniko.pushed.has(`${registry}/acme-orders:v4`)).toBe(true);
    } finally {
      standIn.attach.protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
    }
  });

  it('joins the running Job of a runner that restarted, instead of starting another', async () => {
    const held = new PassThrough();
    const first = buildWithKaniko(
      api,
      await spec('v3'),
      settings,
      () => {},
      async () => held,
    );
    await expect
      .poll(() => standIn.requests.some((r) => r.includes('/pods/build-acme-orders-v3-')))
      .toBe(true);
    await expect
      .poll(() => standIn.requests.some((r) => r.startsWith('ATTACH') && r.includes('v3')))
      .toBe(true);

    const restarted = new KubernetesOrchestrator({
      api: new KubeApi(standIn.kubeConfig()),
      settings: defaultKubernetesSettings,
      image: { registry },
      build: { pollMs: 20 },
      runnerNamespace: ns,
    });
    const progress: string[] = [];
    const second = restarted.prepareImage(await spec('v3'), (m) => progress.push(m));
    await expect.poll(() => progress[0]).toBe('joining the running build Job build-acme-orders-v3');
    (
      await imageBuildContext(
        await spec('v3'),
        'FROM eclipse-temurin:17-jre\nCOPY app.jar /opt/app/app.jar\n',
      )
    ).pipe(held);

    const [a, b] = await Promise.all([first, second]);
    expect(b.tag).toBe(a.tag);
    expect(standIn.all('jobs', ns).filter((j) => j.metadata.name === 'build-acme-orders-v3')).toHaveLength(1);
    expect(progress.flatMap((m) => m.split('\n'))).toContain('INFO[0001] COPY app.jar /opt/app/app.jar');
    expect(progress.at(-1)).toBe(`image ${registry}/acme-orders:v3 pushed`);
    await restarted.close();
  });
});
