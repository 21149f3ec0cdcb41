import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiStandIn } from '../../../test/kube-api-stand-in.ts';
import { DeployFailed, type DeploySpec, type OutputLine } from '../orchestrator.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator, type KubernetesOrchestratorOptions } from './kubernetes-orchestrator.ts';
import { defaultKubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'dev', app: 'orders' };
const ns = 'cameleer-acme-dev';

function spec(version: string, extra: Partial<DeploySpec> = {}): DeploySpec {
  return {
    ref,
    deploymentId: `dep-${version}`,
    version,
    image: `registry.example/acme-orders:${version}`,
    env: { OTEL_SERVICE_NAME: 'orders', DB_PASSWORD: 's3cr3t' },
    secretKeys: ['DB_PASSWORD'],
    resources: { memoryMb: 256, cpus: 0.5, pids: 128 },
    writeableVolumes: ['/data'],
    healthCheck: { httpPath: '/health', timeoutSeconds: 2 },
    private: true,
    ...extra,
  };
}

let standIn: KubeApiStandIn;
let orchestrator: KubernetesOrchestrator;
const progress: string[] = [];

const open = (options: Partial<KubernetesOrchestratorOptions> = {}) =>
  new KubernetesOrchestrator({
    ...options,
    api: new KubeApi(standIn.kubeConfig()),
    settings: {
      ...defaultKubernetesSettings,
      domain: 'apps.example.com',
      ingressClass: 'traefik',
      ...options.settings,
    },
    rolloutPollMs: 50,
    rolloutMarginMs: 0,
    watchRetryMs: 50,
    outputRescanMs: 50,
  });

beforeEach(async () => {
  standIn = await KubeApiStandIn.start();
  orchestrator = open();
  progress.length = 0;
});

afterEach(async () => {
  await orchestrator.close();
  await standIn.close();
});

const deploy = (s: DeploySpec) => orchestrator.deploy(s, (m) => progress.push(m));
const deploymentImage = () => {
  const spec = standIn.get('deployments', ns, 'orders')?.spec as
    | { template: { spec: { containers: { image: string }[] } } }
    | undefined;
  return spec?.template.spec.containers[0]?.image;
};

describe('the Kubernetes orchestrator against the API stand-in', () => {
  it('deploys: namespace with isolation and quota, configuration, secret, volume, Deployment, Service, Ingress', async () => {
    const instance = await deploy(spec('v1'));
    expect(instance).toMatchObject({
      ref,
      deploymentId: 'dep-v1',
      version: 'v1',
      state: 'running',
      id: `${ns}/orders`,
    });
    expect(instance.url).toBe(`http://orders.${ns}.svc.cluster.local:8080`);
    expect(standIn.get('namespaces', undefined, ns)?.metadata.labels).toMatchObject({
      'cameleer.io/tenant': 'acme',
      'cameleer.io/environment': 'dev',
    });
    expect(standIn.all('horizontalpodautoscalers', ns)).toEqual([]);
    for (const plural of ['networkpolicies', 'resourcequotas', 'limitranges', 'services', 'ingresses']) {
      expect(standIn.all(plural, ns), plural).toHaveLength(1);
    }
    const [configMap] = standIn.all('configmaps', ns);
    const [secret] = standIn.all('secrets', ns);
    expect(configMap?.data).toEqual({ OTEL_SERVICE_NAME: 'orders' });
    expect(secret?.data).toEqual({ DB_PASSWORD: Buffer.from('s3cr3t').toString('base64') });
    expect(standIn.get('persistentvolumeclaims', ns, 'cameleer-acme-dev-orders-data')).toBeDefined();
    expect(standIn.all('pods', ns)).toHaveLength(1);
    expect(await orchestrator.status(ref)).toMatchObject({ state: 'running', version: 'v1' });
  });

  it('replaces a version by a rolling update that never leaves it without a ready pod, and keeps the volume', async () => {
    await deploy(spec('v1'));
    const claim = standIn.get('persistentvolumeclaims', ns, 'cameleer-acme-dev-orders-data');
    // maxUnavailable 0: at every moment of the rollout a ready pod serves.
    const readyCounts: number[] = [];
    const sampler = setInterval(() => {
      const ready = standIn
        .all('pods', ns)
        .filter((p) =>
          (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some(
            (c) => c.type === 'Ready' && c.status === 'True',
          ),
        );
      readyCounts.push(ready.length);
    }, 2);
    const instance = await deploy(spec('v2')).finally(() => clearInterval(sampler));
    expect(readyCounts.length).toBeGreaterThan(5);
    expect(Math.min(...readyCounts)).toBeGreaterThanOrEqual(1);
    expect(instance).toMatchObject({ version: 'v2', state: 'running' });
    expect(deploymentImage()).toBe('registry.example/acme-orders:v2');
    const deployment = standIn.get('deployments', ns, 'orders');
    expect(deployment?.metadata.generation).toBe(2);
    expect(deployment?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const pods = standIn.all('pods', ns);
    expect(pods).toHaveLength(1);
    expect(pods[0]?.metadata.annotations?.['cameleer.io/version']).toBe('v2');
    expect(standIn.get('persistentvolumeclaims', ns, 'cameleer-acme-dev-orders-data')?.metadata.uid).toBe(
      claim?.metadata.uid,
    );
  });

  it.each([
    [
      'CrashLoopBackOff',
      /keeps crashing on start \(CrashLoopBackOff, exit code 1\)/,
      /IllegalStateException/,
    ],
    ['OOMKilled', /ran out of memory and was killed \(OOMKilled\)/, /OutOfMemoryError/],
    ['ImagePullBackOff', /could not be pulled \(ImagePullBackOff\): check the image reference/, undefined],
    ['Unschedulable', /no node has room for the app \(Unschedulable\): 0\/3 nodes are available/, undefined],
    ['exceeded-quota', /resource quota is used up/, undefined],
  ] as const)(
    'keeps the old version when the new one fails with %s, and says why',
    async (behaviour, reason, line) => {
      await deploy(spec('v1'));
      standIn.behave('registry.example/acme-orders:v2', behaviour);
      const failed = await deploy(spec('v2')).catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(DeployFailed);
      expect((failed as DeployFailed).message).toMatch(reason);
      if (line) expect((failed as DeployFailed).lastLogLines.join('\n')).toMatch(line);
      expect(progress.join('\n')).toMatch(/rolled back to version v1/);
      expect(deploymentImage()).toBe('registry.example/acme-orders:v1');
      await expect
        .poll(() => orchestrator.status(ref))
        .toMatchObject({ version: 'v1', deploymentId: 'dep-v1', state: 'running' });
      await expect
        .poll(() => standIn.all('pods', ns).map((p) => p.metadata.annotations?.['cameleer.io/version']))
        .toEqual(['v1']);
    },
  );

  it('fails a rollout that never becomes available, rolls back, and removes a first version that never did', async () => {
    standIn.behave('registry.example/acme-orders:v0', 'never-ready');
    await expect(deploy(spec('v0'))).rejects.toThrow(/did not become (available|ready)/);
    expect(await orchestrator.status(ref)).toBeUndefined();
    await deploy(spec('v1'));
    standIn.behave('registry.example/acme-orders:v2', 'never-ready');
    await expect(deploy(spec('v2'))).rejects.toThrow(/did not become (available|ready)/);
    await expect.poll(() => orchestrator.status(ref)).toMatchObject({ version: 'v1', state: 'running' });
  });

  it('promotes the same image to another environment, in its own namespace', async () => {
    await deploy(spec('v1'));
    const prod = { ...ref, environment: 'prod' };
    const instance = await deploy(spec('v1', { ref: prod, deploymentId: 'dep-prod' }));
    expect(instance).toMatchObject({ ref: prod, state: 'running', id: 'cameleer-acme-prod/orders' });
    expect(standIn.get('deployments', 'cameleer-acme-prod', 'orders')).toBeDefined();
    expect((await orchestrator.list()).map((i) => i.ref.environment).sort()).toEqual(['dev', 'prod']);
  });

  it('rolls back by deploying the previous version again: its ReplicaSet comes back', async () => {
    await deploy(spec('v1'));
    await deploy(spec('v2'));
    const firstReplicaSets = standIn.all('replicasets', ns).length;
    const instance = await deploy(spec('v1'));
    expect(instance).toMatchObject({ version: 'v1', state: 'running' });
    expect(standIn.all('replicasets', ns)).toHaveLength(firstReplicaSets);
  });

  it('stops (scale to zero), restarts, and says so in its status', async () => {
    await deploy(spec('v1'));
    await orchestrator.stop(ref);
    await expect.poll(() => standIn.all('pods', ns)).toHaveLength(0);
    expect(await orchestrator.status(ref)).toMatchObject({ state: 'stopped' });
    const restarted = await orchestrator.restart(ref);
    expect(restarted).toMatchObject({ state: 'running', version: 'v1' });
    const before = standIn.all('pods', ns).map((p) => p.metadata.name);
    await orchestrator.restart(ref);
    const after = standIn.all('pods', ns).map((p) => p.metadata.name);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it('removes the app with its volumes, configuration and secrets', async () => {
    await deploy(spec('v1'));
    await orchestrator.remove(ref);
    for (const plural of [
      'deployments',
      'services',
      'ingresses',
      'configmaps',
      'secrets',
      'persistentvolumeclaims',
    ]) {
      expect(standIn.all(plural, ns), plural).toEqual([]);
    }
    await expect.poll(() => standIn.all('pods', ns)).toEqual([]);
    expect(await orchestrator.status(ref)).toBeUndefined();
    await orchestrator.remove(ref);
  });

  it('rediscovers its apps by label after a runner restart', async () => {
    await deploy(spec('v1'));
    await deploy(spec('v1', { ref: { ...ref, app: 'billing' }, deploymentId: 'dep-billing' }));
    await orchestrator.close();
    orchestrator = open();
    const found = await orchestrator.list();
    expect(found.map((i) => [i.ref.app, i.deploymentId, i.state]).sort()).toEqual([
      ['billing', 'dep-billing', 'running'],
      ['orders', 'dep-v1', 'running'],
    ]);
  });

  it('reports changes outside commands and resumes its watch after 410 Gone with a fresh list', async () => {
    const changes: { instances?: unknown[] }[] = [];
    const stop = orchestrator.watchChanges((change) => changes.push(change));
    await expect.poll(() => changes.some((c) => c.instances)).toBe(true);
    await deploy(spec('v1'));
    await expect.poll(() => changes.filter((c) => !c.instances).length).toBeGreaterThan(0);
    const relists = () => changes.filter((c) => c.instances).length;
    const before = relists();
    standIn.compact();
    standIn.dropWatches();
    await expect.poll(relists).toBeGreaterThan(before);
    expect(standIn.expiredWatches).toBeGreaterThan(0);
    expect(changes.findLast((c) => c.instances)?.instances).toHaveLength(1);
    const seen = changes.length;
    await orchestrator.stop(ref);
    await expect.poll(() => changes.length).toBeGreaterThan(seen);
    stop();
  });

  it('tails and follows the logs of every replica', async () => {
    await deploy(spec('v1'));
    const [pod] = standIn.all('pods', ns);
    const name = pod?.metadata.name ?? '';
    standIn.appendLog(ns, name, 'second line');
    const tail: string[] = [];
    for await (const line of orchestrator.logs(ref, { tail: 1, follow: false })) tail.push(line);
    expect(tail).toEqual(['second line']);

    const controller = new AbortController();
    const followed: string[] = [];
    const reading = (async () => {
      for await (const line of orchestrator.logs(ref, {
        tail: 10,
        follow: true,
        signal: controller.signal,
      })) {
        followed.push(line);
      }
    })();
    await expect.poll(() => followed.length).toBe(2);
    standIn.appendLog(ns, name, 'third line');
    await expect.poll(() => followed.at(-1)).toBe('third line');
    controller.abort();
    await reading;
  });

  it('creates a namespace once and never updates it (the grant has no update on namespaces)', async () => {
    await deploy(spec('v1'));
    await deploy(spec('v2'));
    expect(
      standIn.requests.filter((r) => r.startsWith('PUT /api/v1/namespaces/') && r.split('/').length === 5),
    ).toEqual([]);
  });

  it('copies the registry secret into the app namespace and names it in imagePullSecrets', async () => {
    await new KubeApi(standIn.kubeConfig()).apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'cameleer' },
    });
    await new KubeApi(standIn.kubeConfig()).apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry-push', namespace: 'cameleer' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
    });
    orchestrator = open({
      runnerNamespace: 'cameleer',
      settings: { ...defaultKubernetesSettings, imagePullSecret: 'registry-push' },
    });
    await deploy(spec('v1'));
    expect(standIn.get('secrets', ns, 'registry-push')?.type).toBe('kubernetes.io/dockerconfigjson');
    const pod = standIn.get('deployments', ns, 'orders')?.spec as {
      template: { spec: { imagePullSecrets: unknown } };
    };
    expect(pod.template.spec.imagePullSecrets).toEqual([{ name: 'registry-push' }]);
  });

  it('with Roles in listed namespaces only: deploys there, refuses elsewhere, lists namespace by namespace', async () => {
    await new KubeApi(standIn.kubeConfig()).apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
    orchestrator = open({ settings: { ...defaultKubernetesSettings, namespaces: [ns] } });
    await deploy(spec('v1'));
    await expect(deploy(spec('v1', { ref: { ...ref, environment: 'prod' } }))).rejects.toThrow(
      /cameleer-acme-prod is not one this runner may deploy to/,
    );
    expect((await orchestrator.list()).map((i) => i.id)).toEqual([`${ns}/orders`]);
    expect(standIn.requests).not.toContain('GET /apis/apps/v1/deployments');
    const changes: unknown[] = [];
    const stop = orchestrator.watchChanges((c) => changes.push(c));
    await expect.poll(() => changes.length).toBeGreaterThan(0);
    stop();
    expect(standIn.requests).not.toContain('GET /apis/apps/v1/deployments');
  });

  it('runs the configured replicas, and with a maximum an autoscaler whose choice a redeploy keeps', async () => {
    orchestrator = open({ settings: { ...defaultKubernetesSettings, replicas: 2, maxReplicas: 4 } });
    await deploy(spec('v1'));
    expect(standIn.all('pods', ns)).toHaveLength(2);
    expect(standIn.get('horizontalpodautoscalers', ns, 'orders')?.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 4,
    });
    const scaled = standIn.get('deployments', ns, 'orders');
    if (!scaled) throw new Error('no Deployment');
    standIn.put('deployments', { ...scaled, spec: { ...scaled.spec, replicas: 3 } }, 'MODIFIED');
    await deploy(spec('v2'));
    expect(standIn.get('deployments', ns, 'orders')?.spec?.replicas).toBe(3);
    await expect.poll(() => standIn.all('pods', ns).length).toBe(3);
    await orchestrator.stop(ref);
    expect(standIn.all('horizontalpodautoscalers', ns)).toEqual([]);
    await orchestrator.restart(ref);
    expect(standIn.all('horizontalpodautoscalers', ns)).toHaveLength(1);
    await orchestrator.remove(ref);
    expect(standIn.all('horizontalpodautoscalers', ns)).toEqual([]);
  });

  it('follows the output for log capture across a restart, and resumes after its cursor', async () => {
    const instance = await deploy(spec('v1'));
    const controller = new AbortController();
    const captured: OutputLine[] = [];
    const reading = (async () => {
      for await (const line of orchestrator.followOutput(instance, { signal: controller.signal }))
        captured.push(line);
    })();
    await expect
      .poll(() => captured.map((l) => l.line))
      .toEqual([expect.stringMatching(/^started version v1/)]);
    expect(captured[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const [first] = standIn.all('pods', ns);
    standIn.appendLog(ns, first?.metadata.name ?? '', 'working');
    await expect.poll(() => captured.length).toBe(2);
    const cursor = captured[1]?.cursor;
    await orchestrator.restart(ref);
    await expect.poll(() => captured.length).toBe(3);
    controller.abort();
    await reading;

    const resumed: string[] = [];
    const again = new AbortController();
    const rereading = (async () => {
      for await (const line of orchestrator.followOutput(instance, { after: cursor, signal: again.signal })) {
        resumed.push(line.line);
      }
    })();
    await expect.poll(() => resumed).toEqual([expect.stringMatching(/^started version v1 on orders-/)]);
    expect(resumed[0]).not.toBe(captured[0]?.line);
    await orchestrator.remove(ref);
    await rereading;
  });
});
