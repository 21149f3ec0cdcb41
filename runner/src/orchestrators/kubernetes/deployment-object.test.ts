import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import type { DeploySpec } from '../orchestrator.ts';
import { deploymentObject } from './deployment-object.ts';
import { defaultKubernetesSettings } from './settings.ts';

const spec: DeploySpec & { image: string } = {
  ref: { tenant: 'acme', environment: 'prod', app: 'orders' },
  deploymentId: 'dep_1',
  version: 'ver_1',
  image: 'registry.example/acme-orders:ver_1',
  env: {},
  resources: { memoryMb: 512, cpus: 0.5, pids: 256 },
  writeableVolumes: [],
  healthCheck: { timeoutSeconds: 60 },
  private: false,
};

describe('the Deployment', () => {
  it('is valid with defaults: one replica, a TCP probe, only /tmp writeable', () => {
    const wire = validateKubernetesObject(deploymentObject({ spec, replicas: 1 }, defaultKubernetesSettings));
    expect(wire.metadata).toMatchObject({ name: 'orders', namespace: 'cameleer-acme-prod' });
    const d = deploymentObject({ spec, replicas: 1 }, defaultKubernetesSettings);
    const container = d.spec?.template.spec?.containers[0];
    expect(container?.readinessProbe?.tcpSocket).toEqual({ port: 8080 });
    expect(container?.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(container?.envFrom).toBeUndefined();
    expect(d.spec?.template.spec?.imagePullSecrets).toBeUndefined();
  });

  it('is valid customised: replicas, health path, volumes, configuration, secrets and a pull secret', () => {
    const custom = {
      spec: {
        ...spec,
        healthCheck: { httpPath: '/health', timeoutSeconds: 90 },
        writeableVolumes: ['/data', '/var/spool'],
        artifactSha256: 'ab'.repeat(32),
      },
      replicas: 3,
      configMap: 'orders-config-1',
      secret: 'orders-secrets-1',
    };
    const settings = { ...defaultKubernetesSettings, imagePullSecret: 'registry-credentials' };
    expect(() => validateKubernetesObject(deploymentObject(custom, settings))).not.toThrow();
    const d = deploymentObject(custom, settings);
    const pod = d.spec?.template.spec;
    const container = pod?.containers[0];
    expect(d.spec?.replicas).toBe(3);
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/health', port: 8080 });
    expect(container?.envFrom).toEqual([
      { configMapRef: { name: 'orders-config-1' } },
      { secretRef: { name: 'orders-secrets-1' } },
    ]);
    expect(pod?.volumes?.map((v) => v.persistentVolumeClaim?.claimName).filter(Boolean)).toEqual([
      'cameleer-acme-prod-orders-data',
      'cameleer-acme-prod-orders-var-spool',
    ]);
    expect(pod?.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
  });

  it('runs hardened: non-root 10001, read-only root, no capabilities, no escalation, RuntimeDefault seccomp', () => {
    const d = deploymentObject({ spec, replicas: 1 }, defaultKubernetesSettings);
    const pod = d.spec?.template.spec;
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod?.containers[0]?.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod?.automountServiceAccountToken).toBe(false);
  });

  it('sizes the container from the resources, attaches the agent and never drops below the replicas', () => {
    const d = deploymentObject({ spec, replicas: 2 }, defaultKubernetesSettings);
    const container = d.spec?.template.spec?.containers[0];
    expect(container?.resources).toEqual({
      requests: { memory: '512Mi', cpu: '500m' },
      limits: { memory: '512Mi', cpu: '500m' },
    });
    expect(container?.env).toContainEqual({
      name: 'JAVA_TOOL_OPTIONS',
      value: '-javaagent:/opt/cameleer/agent.jar',
    });
    expect(d.spec?.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
  });
});
