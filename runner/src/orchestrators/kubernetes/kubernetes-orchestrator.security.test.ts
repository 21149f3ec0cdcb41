import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiStandIn, type KubeObject } from '../../../test/kube-api-stand-in.ts';
import type { AppRef, DeploySpec } from '../orchestrator.ts';
import { KubeApi } from './kube-api.ts';
import { KubernetesOrchestrator } from './kubernetes-orchestrator.ts';
import { defaultKubernetesSettings } from './settings.ts';

const secretValue = 'hunter2-do-not-leak';

const spec = (ref: AppRef): DeploySpec => ({
  ref,
  deploymentId: `dep-${ref.tenant}-${ref.app}`,
  version: '1',
  image: `registry.example/${ref.tenant}-${ref.app}:1`,
  env: { DB_PASSWORD: secretValue, LOG_LEVEL: 'debug', OTEL_SERVICE_NAME: ref.app },
  secretKeys: ['DB_PASSWORD'],
  resources: { memoryMb: 256, cpus: 0.5, pids: 128 },
  writeableVolumes: ['/data'],
  healthCheck: { timeoutSeconds: 2 },
  private: false,
});

/** A Secret's values, decoded. */
const secretData = (secret: KubeObject | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries((secret?.data ?? {}) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString(),
    ]),
  );

let standIn: KubeApiStandIn;
let orchestrator: KubernetesOrchestrator;

beforeEach(async () => {
  standIn = await KubeApiStandIn.start();
  orchestrator = new KubernetesOrchestrator({
    api: new KubeApi(standIn.kubeConfig()),
    settings: defaultKubernetesSettings,
    rolloutPollMs: 50,
    rolloutMarginMs: 0,
  });
});

afterEach(async () => {
  await orchestrator.close();
  await standIn.close();
});

const acme = { tenant: 'acme', environment: 'dev', app: 'orders' };
const globex = { tenant: 'globex', environment: 'dev', app: 'orders' };

describe('tenant isolation on Kubernetes', () => {
  it('gives each tenant its own namespace, whose policy admits only that tenant', async () => {
    await orchestrator.deploy(spec(acme), () => {});
    await orchestrator.deploy(spec(globex), () => {});
    const policy = standIn.get('networkpolicies', 'cameleer-globex-dev', 'cameleer-tenant-isolation');
    expect(JSON.stringify(policy?.spec)).toContain('"cameleer.io/tenant":"globex"');
    expect(JSON.stringify(policy?.spec)).not.toContain('acme');
  });

  it('removing one tenant’s app leaves the same app of another tenant, and its volume, alone', async () => {
    await orchestrator.deploy(spec(acme), () => {});
    await orchestrator.deploy(spec(globex), () => {});
    await orchestrator.remove(acme);
    expect(standIn.get('deployments', 'cameleer-globex-dev', 'orders')).toBeDefined();
    expect(standIn.all('persistentvolumeclaims', 'cameleer-globex-dev')).toHaveLength(1);
    expect(standIn.all('secrets', 'cameleer-globex-dev')).toHaveLength(1);
    expect((await orchestrator.list()).map((i) => i.ref.tenant)).toEqual(['globex']);
  });

  it('keeps secret values out of every object but the Secret, and the plain ones in the ConfigMap', async () => {
    await orchestrator.deploy(spec(acme), () => {});
    const plurals = [
      'namespaces',
      'deployments',
      'replicasets',
      'pods',
      'services',
      'ingresses',
      'configmaps',
    ];
    for (const plural of plurals) {
      expect(JSON.stringify(standIn.all(plural)), plural).not.toContain(secretValue);
    }
    const [configMap] = standIn.all('configmaps', 'cameleer-acme-dev');
    expect(configMap?.data).toEqual({ LOG_LEVEL: 'debug', OTEL_SERVICE_NAME: 'orders' });
    const [secret] = standIn.all('secrets', 'cameleer-acme-dev');
    expect(secretData(secret)).toEqual({ DB_PASSWORD: secretValue });
  });

  it('keeps every variable in the Secret when the deploy does not say which are secrets', async () => {
    const { secretKeys: _, ...unmarked } = spec(acme);
    await orchestrator.deploy(unmarked, () => {});
    expect(standIn.all('configmaps', 'cameleer-acme-dev')).toEqual([]);
    const [secret] = standIn.all('secrets', 'cameleer-acme-dev');
    expect(secretData(secret)).toEqual(unmarked.env);
    const deployment = standIn.get('deployments', 'cameleer-acme-dev', 'orders');
    expect(JSON.stringify(deployment)).not.toContain(secretValue);
    expect(JSON.stringify(deployment)).not.toContain('configMapRef');
  });

  it('lists only what it manages: a Deployment someone else made in the namespace is not an app', async () => {
    await orchestrator.deploy(spec(acme), () => {});
    const api = new KubeApi(standIn.kubeConfig());
    await api.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'intruder', namespace: 'cameleer-acme-dev', labels: { app: 'intruder' } },
      spec: {
        selector: { matchLabels: { app: 'intruder' } },
        template: {
          metadata: { labels: { app: 'intruder' } },
          spec: { containers: [{ name: 'x', image: 'x' }] },
        },
      },
    });
    expect((await orchestrator.list()).map((i) => i.id)).toEqual(['cameleer-acme-dev/orders']);
  });
});
