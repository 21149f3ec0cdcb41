import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactServer,
  deployPayload,
  runCommand,
  startArtifactServer,
} from '../../../test/deploy-support.ts';
import { KubeApiStandIn, type KubeObject } from '../../../test/kube-api-stand-in.ts';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { CommandFailed, type CommandHandlers } from '../../commands/handlers.ts';
import { deployHandlers, stage } from '../../deploy/deploy-handlers.ts';
import { ImageBuildFailed, type ImageBuildSpec } from '../orchestrator.ts';
import { buildWithKaniko } from './kaniko-build.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.ts';
import { defaultKubernetesSettings } from './settings.ts';

const registry = 'registry.example:5000/cameleer';
const runnerNs = 'cameleer';
const ref = { tenant: 'acme', environment: 'dev', app: 'orders' };

let standIn: KubeApiStandIn;
let orchestrator: KubernetesOrchestrator;
let handlers: CommandHandlers;
let artifacts: ArtifactServer;
let dir: string;

const jobs = () => standIn.all('jobs', runnerNs);
const image = (app = 'orders') =>
  (
    standIn.get('deployments', 'cameleer-acme-dev', app)?.spec as
      | { template: { spec: { containers: { image: string }[]; imagePullSecrets?: unknown } } }
      | undefined
  )?.template.spec;

/** A deploy command as the edge sends it, through the runner's handlers: build, then roll out. */
async function deploy(version: string, progress: string[] = []) {
  const jar = join(dir, `orders-${version}.jar`);
  await writeFile(jar, `PK\u0003\u0004 orders ${version}`);
  const payload = deployPayload(ref, version, await artifacts.serve(jar), { timeoutSeconds: 2 });
  return runCommand(handlers, 'deploy', payload, progress) as Promise<{ state: string }>;
}

beforeAll(async () => {
  standIn = await KubeApiStandIn.start();
  standIn.kaniko.hosting.add('registry.example:5000');
  standIn.put('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: runnerNs } }, 'ADDED');
  standIn.put(
    'secrets',
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry-push', namespace: runnerNs },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
    },
    'ADDED',
  );
  dir = await mkdtemp(join(tmpdir(), 'cameleer-kaniko-'));
  const agent = join(dir, 'agent.jar');
  await writeFile(agent, 'PK\u0003\u0004 agent');
  orchestrator = new KubernetesOrchestrator({
    api: new KubeApi(standIn.kubeConfig()),
    settings: { ...defaultKubernetesSettings, imagePullSecret: 'registry-push' },
    image: { registry },
    build: { pollMs: 20 },
    runnerNamespace: runnerNs,
    rolloutPollMs: 50,
    rolloutMarginMs: 0,
  });
  handlers = deployHandlers({ orchestrator, stateDir: dir, agentJarPath: agent });
  artifacts = await startArtifactServer();
});

afterAll(async () => {
  await orchestrator.close();
  await standIn.close();
  await artifacts.close();
  await rm(dir, { recursive: true, force: true });
});

describe('images built in the cluster by a Kaniko Job', { timeout: 20_000 }, () => {
  it('streams the context into the build pod, reports its log in order, and deploys the pushed image', async () => {
    const progress: string[] = [];
    expect(await deploy('1', progress)).toMatchObject({ state: 'RUNNING' });

    const pushed = `${registry}/acme-orders:ver-1`;
    expect([...standIn.kaniko.pushed]).toEqual([pushed]);
    expect(image()).toMatchObject({
      containers: [{ image: pushed }],
      imagePullSecrets: [{ name: 'registry-push' }],
    });
    expect(
      standIn.requests.some((r) =>
        r.startsWith(`ATTACH /api/v1/namespaces/${runnerNs}/pods/build-acme-orders-ver-1-`),
      ),
    ).toBe(true);

    const [job] = jobs() as [KubeObject];
    expect(() => validateKubernetesObject(job as unknown as KubernetesObject)).not.toThrow();
    expect(job.metadata.name).toBe('build-acme-orders-ver-1');
    expect(job.status).toMatchObject({
      succeeded: 1,
      conditions: expect.arrayContaining([expect.objectContaining({ type: 'Complete', status: 'True' })]),
    });

    // Lines that arrive together are one progress message, as in Docker builds.
    const built = progress
      .slice(progress.indexOf(stage.building), progress.indexOf(stage.starting))
      .flatMap((message) => message.split('\n'));
    const steps = built
      .filter((line) => /^INFO\[\d+\] /.test(line))
      .map((line) => line.replace(/^INFO\[\d+\] /, ''));
    expect(steps).toEqual([
      'Retrieving image manifest eclipse-temurin:17-jre',
      'Retrieving image eclipse-temurin:17-jre from registry index.docker.io',
      'COPY agent.jar /opt/cameleer/agent.jar',
      'USER 10001:10001',
      'WORKDIR /opt/app',
      'ENV PORT=8080 SERVER_PORT=8080',
      'EXPOSE 8080',
      'ENTRYPOINT ["java", "-javaagent:/opt/cameleer/agent.jar", "-jar", "/opt/app/app.jar"]',
      'LABEL "cameleer.io/tenant"="acme" "cameleer.io/app"="orders"',
      'COPY app.jar /opt/app/app.jar',
      `Pushing image to ${pushed}`,
      expect.stringMatching(new RegExp(`^Pushed ${registry}/acme-orders@sha256:[0-9a-f]{64}$`)),
    ]);
    const order = [
      'build Job cameleer/build-acme-orders-ver-1 created',
      'build context sent',
      'INFO[',
      `image ${pushed} pushed`,
    ];
    const at = order.map((start) => built.findIndex((line) => line.startsWith(start)));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(at.every((i) => i >= 0)).toBe(true);
  });

  it('does not build a version again whose image a succeeded Job pushed, nor twice at once', async () => {
    const builds = standIn.kaniko.builds;
    const progress: string[] = [];
    expect(await deploy('1', progress)).toMatchObject({ state: 'RUNNING' });
    expect(standIn.kaniko.builds).toBe(builds);
    expect(jobs()).toHaveLength(1);
    expect(progress.join('\n')).toContain('was pushed by build Job build-acme-orders-ver-1: not built again');

    const spec = await buildSpec('2');
    const [a, b] = await Promise.all([
      orchestrator.prepareImage(spec, () => {}),
      orchestrator.prepareImage(spec, () => {}),
    ]);
    expect(a).toEqual(b);
    expect(standIn.kaniko.builds).toBe(builds + 1);
  });

  it('reports a failed push as FAILED with Kaniko’s error and the pod’s end, and keeps the running version', async () => {
    standIn.kaniko.refusing.add('registry.example:5000');
    try {
      const failure = await deploy('3').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(CommandFailed);
      const message = (failure as Error).message;
      expect(message).toContain(
        `error pushing image: failed to push to destination ${registry}/acme-orders:ver-3`,
      );
      expect(message).toContain('UNAUTHORIZED');
      expect(message).toMatch(/BackoffLimitExceeded; pod build-acme-orders-ver-3-\w+: Error, exit code 1/);
      expect(await orchestrator.status(ref)).toMatchObject({ version: 'ver-1', state: 'running' });
      expect(image()?.containers[0]?.image).toBe(`${registry}/acme-orders:ver-1`);
    } finally {
      standIn.kaniko.refusing.clear();
    }
    // The failed Job stays for inspection until the next attempt replaces it.
    expect(await deploy('3')).toMatchObject({ state: 'RUNNING' });
    expect(standIn.get('jobs', runnerNs, 'build-acme-orders-ver-3')?.status).toMatchObject({ succeeded: 1 });
  });

  it('fails a build whose context is broken: no Dockerfile, or a JAR the Dockerfile copies missing', async () => {
    const settings = { registry, namespace: runnerNs, pollMs: 20 };
    const api = new KubeApi(standIn.kubeConfig());
    const context = (files: Record<string, string>) => async () => {
      const tar = pack();
      for (const [name, content] of Object.entries(files)) tar.entry({ name }, content);
      tar.finalize();
      return tar as unknown as NodeJS.ReadableStream;
    };
    const noDockerfile = buildWithKaniko(
      api,
      await buildSpec('4'),
      settings,
      () => {},
      context({ 'app.jar': 'PK' }),
    );
    await expect(noDockerfile).rejects.toThrow(
      /error resolving dockerfile path.*\(Job cameleer\/build-acme-orders-ver-4: BackoffLimitExceeded/,
    );
    const noJar = buildWithKaniko(
      api,
      await buildSpec('5'),
      settings,
      () => {},
      context({ Dockerfile: 'FROM eclipse-temurin:17-jre\nCOPY app.jar /opt/app/app.jar\n' }),
    );
    await expect(noJar).rejects.toBeInstanceOf(ImageBuildFailed);
    await expect(noJar).rejects.toThrow('lstat /kaniko/buildcontext/app.jar: no such file or directory');
    expect(standIn.kaniko.pushed.has(`${registry}/acme-orders:ver-5`)).toBe(false);
  });
});

async function buildSpec(version: string): Promise<ImageBuildSpec> {
  const appJarPath = join(dir, `orders-${version}.jar`);
  await writeFile(appJarPath, `PK\u0003\u0004 orders ${version}`);
  return {
    tenant: 'acme',
    app: 'orders',
    version: `ver-${version}`,
    appJarPath,
    agentJarPath: join(dir, 'agent.jar'),
  };
}
