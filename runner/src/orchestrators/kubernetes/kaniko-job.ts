/**
 * The Job that builds a version's image in the cluster with Kaniko: the build context (the
 * Dockerfile Docker's builder renders, the agent and the app JAR) arrives as a gzipped tar on the
 * container's stdin, streamed by the runner (`kaniko-build.ts`), and the image is pushed to the
 * configured registry. Kaniko runs as root, which the apps' namespaces (restricted Pod Security)
 * refuse, and an image serves every environment it is promoted to: the Job runs in the runner's
 * namespace. A succeeded Job is the record that its image was pushed, until its TTL ends.
 */
import type { V1Job } from '@kubernetes/client-node';
import { appLabels, contentHash, dnsLabel } from './names.ts';

export const KANIKO_IMAGE = 'gcr.io/kaniko-project/executor:v1.23.2';
export const KANIKO_CONTAINER = 'kaniko';
/** The image a build Job pushes, hashed: label values cannot hold a reference. */
export const BUILD_LABEL = 'cameleer.io/build';
/** A week: long enough that redeploys and promotions find the pushed image, short enough to not pile up. */
export const BUILD_RECORD_SECONDS = 7 * 24 * 3600;
/** A build that takes longer is stuck (a context that never came): the Job fails with `DeadlineExceeded`. */
export const BUILD_DEADLINE_SECONDS = 900;

export function buildLabel(destination: string): string {
  return contentHash(destination);
}

export type KanikoJobInput = {
  ref: { tenant: string; app: string };
  version: string;
  /** The image reference pushed to: `<registry>/<tenant>-<app>:<version>`. */
  destination: string;
  /** The runner's namespace, where the Job runs and the registry Secret lives. */
  namespace: string;
  /** A `kubernetes.io/dockerconfigjson` Secret with push rights; absent: an anonymous registry. */
  registrySecret?: string;
  /** Layers cached in the registry (`<registry>/cache`), so a new app version rebuilds one layer. */
  cacheRepository?: string;
  executorImage?: string;
};

export function kanikoJobObject(input: KanikoJobInput): V1Job {
  const { ref } = input;
  const labels = {
    ...appLabels({ ...ref, environment: 'build' }),
    'app.kubernetes.io/component': 'image-build',
    [BUILD_LABEL]: buildLabel(input.destination),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: dnsLabel(`build-${ref.tenant}-${ref.app}-${input.version}`),
      namespace: input.namespace,
      labels,
      annotations: { 'cameleer.io/version': input.version, 'cameleer.io/image': input.destination },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: BUILD_DEADLINE_SECONDS,
      ttlSecondsAfterFinished: BUILD_RECORD_SECONDS,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [
            {
              name: KANIKO_CONTAINER,
              image: input.executorImage ?? KANIKO_IMAGE,
              args: [
                '--context=tar://stdin',
                '--dockerfile=Dockerfile',
                `--destination=${input.destination}`,
                '--single-snapshot',
                ...(input.cacheRepository ? ['--cache=true', `--cache-repo=${input.cacheRepository}`] : []),
              ],
              // The runner attaches once and streams the context; the container's stdin closes with it.
              stdin: true,
              stdinOnce: true,
              resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '2Gi' } },
              ...(input.registrySecret
                ? { volumeMounts: [{ name: 'registry', mountPath: '/kaniko/.docker', readOnly: true }] }
                : {}),
            },
          ],
          ...(input.registrySecret
            ? {
                volumes: [
                  {
                    name: 'registry',
                    secret: {
                      secretName: input.registrySecret,
                      items: [{ key: '.dockerconfigjson', path: 'config.json' }],
                    },
                  },
                ],
              }
            : {}),
        },
      },
    },
  };
}
