import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiStandIn } from '../../../test/kube-api-stand-in.ts';
import { parseRunnerConfig } from '../../config/schema.ts';
import type { Logger } from '../../logger.ts';
import { kubernetesEntry } from './entry.ts';

const logger = { info() {}, warn() {}, error() {} } as unknown as Logger;
let dir: string;
let standIn: KubeApiStandIn;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cameleer-kube-entry-'));
  standIn = await KubeApiStandIn.start();
});

afterEach(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

const context = (env: NodeJS.ProcessEnv) => ({
  config: parseRunnerConfig(env),
  stateDir: dir,
  logger,
  pingTimeoutMs: 2000,
});

describe('the Kubernetes registry entry', () => {
  it('is absent outside a cluster, even with a KUBECONFIG in the shell', async () => {
    expect(await kubernetesEntry.detect(context({ KUBECONFIG: '/home/dev/.kube/config' }))).toBe('absent');
  });

  it('is ready with CAMELEER_KUBECONFIG naming a cluster that answers, and opens an orchestrator on it', async () => {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, standIn.kubeConfig().exportConfig());
    const ctx = context({
      CAMELEER_KUBECONFIG: file,
      CAMELEER_KUBERNETES_IMAGE: 'registry.example/{tenant}/{app}:{version}',
    });
    expect(await kubernetesEntry.detect(ctx)).toBe('ready');
    const orchestrator = await kubernetesEntry.open(ctx);
    expect(orchestrator.kind).toBe('kubernetes');
    expect(orchestrator.capabilities).toEqual(['kubernetes']);
    expect(await orchestrator.list()).toEqual([]);
    const image = await orchestrator.prepareImage?.(
      {
        tenant: 'acme',
        app: 'orders',
        version: 'ver_1',
        appJarPath: '/none',
        agentJarPath: '/none',
        sha256: 'ab',
      },
      () => {},
    );
    expect(image?.tag).toBe('registry.example/acme/orders:ver_1');
    await orchestrator.close();
  });

  it('builds with Kaniko in the runner namespace, with the configured executor and layer cache, given a registry only', async () => {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, standIn.kubeConfig().exportConfig());
    standIn.put(
      'namespaces',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cameleer' } },
      'ADDED',
    );
    const jar = join(dir, 'app.jar');
    await writeFile(jar, 'PK\u0003\u0004 app');
    const orchestrator = await kubernetesEntry.open(
      context({
        CAMELEER_KUBECONFIG: file,
        CAMELEER_KUBERNETES_NAMESPACE: 'cameleer',
        CAMELEER_KUBERNETES_REGISTRY: 'registry.example/cameleer',
        CAMELEER_KUBERNETES_KANIKO_IMAGE: 'mirror.example/kaniko/executor:v1.23.2',
        CAMELEER_KUBERNETES_BUILD_CACHE: 'registry.example/cameleer/cache',
      }),
    );
    const spec = { tenant: 'acme', app: 'orders', version: 'ver_1', appJarPath: jar, agentJarPath: jar };
    const image = await orchestrator.prepareImage?.(spec, () => {});
    expect(image?.tag).toBe('registry.example/cameleer/acme-orders:ver_1');
    const job = standIn.get('jobs', 'cameleer', 'build-acme-orders-ver-1')?.spec as {
      template: { spec: { containers: { image: string; args: string[] }[] } };
    };
    expect(job.template.spec.containers[0]).toMatchObject({
      image: 'mirror.example/kaniko/executor:v1.23.2',
      args: expect.arrayContaining(['--cache=true', '--cache-repo=registry.example/cameleer/cache']),
    });
    await orchestrator.close();
  });

  it('is unanswered when the configured cluster does not answer', async () => {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, standIn.kubeConfig().exportConfig());
    await standIn.close();
    expect(await kubernetesEntry.detect(context({ CAMELEER_KUBECONFIG: file }))).toBe('unanswered');
    standIn = await KubeApiStandIn.start();
  });
});
