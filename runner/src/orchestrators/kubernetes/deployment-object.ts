/**
 * The app's Deployment: hardened pods (restricted Pod Security Standard), the agent attached through
 * JAVA_TOOL_OPTIONS, configuration from a ConfigMap and secrets only from a Secret, and a rolling
 * update that never goes below the replicas asked for.
 */
import type { V1Deployment, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { type DeploySpec, volumeName } from '../orchestrator.ts';
import {
  ANNOTATION,
  APP_CONTAINER,
  APP_PORT,
  APP_UID,
  appLabels,
  appObjectName,
  dnsLabel,
  namespaceName,
} from './names.ts';
import type { KubernetesSettings } from './settings.ts';

/** Where the app image (built by Docker's template or Kaniko) keeps the agent and the app. */
export const AGENT_PATH = '/opt/cameleer/agent.jar';
export const APP_JAR_PATH = '/opt/app/app.jar';

export type DeploymentInput = {
  spec: DeploySpec & { image: string };
  replicas: number;
  /** Names of the app's ConfigMap and Secret for this configuration; absent when it has none. */
  configMap?: string;
  secret?: string;
};

export function deploymentObject(input: DeploymentInput, settings: KubernetesSettings): V1Deployment {
  const { spec, replicas } = input;
  const { ref, healthCheck, resources } = spec;
  const labels = appLabels(ref);
  const annotations = {
    [ANNOTATION.deployment]: spec.deploymentId,
    [ANNOTATION.version]: spec.version,
    [ANNOTATION.healthTimeout]: String(healthCheck.timeoutSeconds),
    ...(spec.artifactSha256 ? { [ANNOTATION.sha256]: spec.artifactSha256 } : {}),
    ...(healthCheck.httpPath ? { [ANNOTATION.healthPath]: healthCheck.httpPath } : {}),
  };
  const memory = `${resources.memoryMb}Mi`;
  const probe = healthCheck.httpPath
    ? { httpGet: { path: healthCheck.httpPath, port: APP_PORT } }
    : { tcpSocket: { port: APP_PORT } };
  const volumes: V1Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }];
  const mounts: V1VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  spec.writeableVolumes.forEach((path, i) => {
    volumes.push({ name: `data-${i}`, persistentVolumeClaim: { claimName: volumeName(ref, path) } });
    mounts.push({ name: `data-${i}`, mountPath: path });
  });
  const envFrom = [
    ...(input.configMap ? [{ configMapRef: { name: input.configMap } }] : []),
    ...(input.secret ? [{ secretRef: { name: input.secret } }] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: appObjectName(ref),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels,
      annotations,
    },
    spec: {
      replicas,
      revisionHistoryLimit: 5,
      // A rollout that has not become available in the health check's time is a failed one.
      progressDeadlineSeconds: Math.max(30, Math.ceil(healthCheck.timeoutSeconds) + 30),
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            fsGroup: APP_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(settings.imagePullSecret
            ? { imagePullSecrets: [{ name: dnsLabel(settings.imagePullSecret) }] }
            : {}),
          containers: [
            {
              name: APP_CONTAINER,
              image: spec.image,
              imagePullPolicy: 'IfNotPresent',
              // The agent comes from JAVA_TOOL_OPTIONS, so prebuilt images need no entrypoint of ours.
              command: ['java', '-jar', APP_JAR_PATH],
              ports: [{ name: 'http', containerPort: APP_PORT, protocol: 'TCP' }],
              env: [
                { name: 'JAVA_TOOL_OPTIONS', value: `-javaagent:${AGENT_PATH}` },
                { name: 'PORT', value: String(APP_PORT) },
                { name: 'SERVER_PORT', value: String(APP_PORT) },
              ],
              ...(envFrom.length ? { envFrom } : {}),
              resources: {
                requests: { memory, cpu: cpuQuantity(resources.cpus) },
                limits: { memory, cpu: cpuQuantity(resources.cpus) },
              },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: APP_UID,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
              // Liveness waits for the health check's whole time: a slow start is not a dead app.
              livenessProbe: {
                ...probe,
                initialDelaySeconds: Math.ceil(healthCheck.timeoutSeconds),
                periodSeconds: 10,
                failureThreshold: 3,
                timeoutSeconds: 2,
              },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** Millicores: `0.5` → `500m`. */
export function cpuQuantity(cpus: number): string {
  return `${Math.max(1, Math.round(cpus * 1000))}m`;
}
