/**
 * A version's image built in the cluster: a Kaniko Job in the runner's namespace, the build context
 * streamed into its pod's stdin, its log reported as progress, the image pushed to the registry. A
 * succeeded Job of the same image (found by label) means the image is there: it is not built again.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { buildProgress } from '../build-progress.ts';
import { fileSha256, imageBuildContext, renderDockerfile } from '../image-context.ts';
import { type BuiltImage, ImageBuildFailed, type ImageBuildSpec, type Progress } from '../orchestrator.ts';
import { imageReference } from './image-reference.ts';
import { BUILD_DEADLINE_SECONDS, BUILD_LABEL, buildLabel, kanikoJobObject } from './kaniko-job.ts';
import { buildPodOutcome, followBuildLog, streamBuildContext, waitForBuildPod } from './kaniko-pod.ts';
import { type KubeApi, KubernetesApiError } from './kube-api.ts';
import { LABEL } from './names.ts';

export type KanikoSettings = {
  registry: string;
  /** The runner's namespace: the Job runs there, beside the registry Secret. */
  namespace: string;
  registrySecret?: string;
  executorImage?: string;
  cacheRepository?: string;
  /** The JRE image apps are built on when the deploy names none: one any cluster can pull. */
  baseImage?: string;
  pollMs?: number;
  /** Time for the build pod to be scheduled and its executor image pulled. */
  startTimeoutMs?: number;
};

export const CLUSTER_JRE_IMAGE = 'eclipse-temurin:17-jre';

/** The context the runner streams; a test may hand a broken one. */
export type ContextSource = (spec: ImageBuildSpec, dockerfile: string) => Promise<NodeJS.ReadableStream>;

export async function buildWithKaniko(
  api: KubeApi,
  spec: ImageBuildSpec,
  settings: KanikoSettings,
  progress: Progress,
  contextSource: ContextSource = imageBuildContext,
): Promise<BuiltImage> {
  const destination = imageReference({ registry: settings.registry }, spec);
  const sha256 = spec.sha256 ?? (await fileSha256(spec.appJarPath));
  const built = { tag: destination, id: destination, sha256 };
  const job = kanikoJobObject({
    ref: { tenant: spec.tenant, app: spec.app },
    version: spec.version,
    destination,
    namespace: settings.namespace,
    ...(settings.registrySecret ? { registrySecret: settings.registrySecret } : {}),
    ...(settings.cacheRepository ? { cacheRepository: settings.cacheRepository } : {}),
    ...(settings.executorImage ? { executorImage: settings.executorImage } : {}),
  });
  const name = job.metadata?.name ?? '';
  const existing = await findBuildJob(api, settings.namespace, destination);
  if (existing && jobState(existing) === 'succeeded') {
    progress(`image ${destination} was pushed by build Job ${name}: not built again`);
    return built;
  }
  const poll = { namespace: settings.namespace, job: name, pollMs: settings.pollMs ?? 1000 };
  let ours = false;
  if (!existing || jobState(existing) === 'failed') {
    // A failed Job of this version stays for `kubectl logs` until the next attempt replaces it.
    if (existing) await api.delete(jobHeader(poll));
    ours = await createJob(api, job, poll.pollMs);
  }
  progress(
    ours
      ? `build Job ${settings.namespace}/${name} created for ${destination}`
      : `joining the running build Job ${name}`,
  );
  const pod = await waitForBuildPod(
    api,
    { ...poll, timeoutMs: settings.startTimeoutMs ?? 300_000 },
    async () => jobState(await readJob(api, poll)) !== 'active',
  ).catch(async (err: unknown) => {
    // A pod that cannot start would hold the version's name until the Job's deadline.
    if (ours) await api.delete(jobHeader(poll));
    throw err;
  });
  if (pod && ours && pod.status?.phase === 'Running') {
    const labels = { [LABEL.tenant]: spec.tenant, [LABEL.app]: spec.app };
    const baseImage = spec.baseImage ?? settings.baseImage ?? CLUSTER_JRE_IMAGE;
    const context = await contextSource(spec, renderDockerfile({ baseImage, labels }));
    await streamBuildContext(api, pod, context).catch(async (err: unknown) => {
      // Kaniko would build half a context or wait for one: the Job is of no use to anyone.
      await api.delete(jobHeader(poll));
      throw err;
    });
    progress('build context sent');
  }
  return finish(api, poll, pod, destination, built, progress);
}

async function finish(
  api: KubeApi,
  poll: { namespace: string; job: string; pollMs: number },
  pod: V1Pod | undefined,
  destination: string,
  built: BuiltImage,
  progress: Progress,
): Promise<BuiltImage> {
  const lines = buildProgress(progress);
  if (pod) await followBuildLog(api, pod, lines.line).finally(lines.flush);
  const job = await waitForJobEnd(api, poll);
  if (jobState(job) === 'succeeded') {
    progress(`image ${destination} pushed`);
    return built;
  }
  const failed = job
    ? job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True')
    : { reason: 'the Job was deleted' };
  const ended = await api.list<V1Pod>('v1', 'Pod', `job-name=${poll.job}`, poll.namespace).then(
    ({ items }) => items[0] ?? pod,
    () => pod,
  );
  const last = lines.lastLines();
  const error = [...last].reverse().find((l) => /^(error|ERRO)/i.test(l)) ?? last.at(-1);
  const why = [failed?.reason, buildPodOutcome(ended)].filter(Boolean).join('; ');
  throw new ImageBuildFailed(
    `the image build failed${error ? `: ${error}` : ''} (Job ${poll.namespace}/${poll.job}${why ? `: ${why}` : ''})`,
    last,
  );
}

type JobState = 'active' | 'succeeded' | 'failed';

/** A Job that is gone has not pushed anything anyone can count on. */
export function jobState(job: V1Job | undefined): JobState {
  if (!job) return 'failed';
  const condition = (type: string) =>
    job?.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  if (condition('Complete')) return 'succeeded';
  if (condition('Failed')) return 'failed';
  return 'active';
}

async function findBuildJob(
  api: KubeApi,
  namespace: string,
  destination: string,
): Promise<V1Job | undefined> {
  const { items } = await api.list<V1Job>(
    'batch/v1',
    'Job',
    `${BUILD_LABEL}=${buildLabel(destination)}`,
    namespace,
  );
  return items.find((job) => job.metadata?.annotations?.['cameleer.io/image'] === destination);
}

function jobHeader(poll: { namespace: string; job: string }) {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: poll.job, namespace: poll.namespace } };
}

function readJob(api: KubeApi, poll: { namespace: string; job: string }): Promise<V1Job | undefined> {
  return api.read<V1Job>(jobHeader(poll));
}

/** Creates the Job; `false` when another deploy of the same version made it first. */
async function createJob(api: KubeApi, job: V1Job, pollMs: number): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await api.create(job);
      return true;
    } catch (err) {
      if (!(err instanceof KubernetesApiError && err.code === 409)) throw err;
      const header = { namespace: job.metadata?.namespace ?? '', job: job.metadata?.name ?? '' };
      const current = await readJob(api, header);
      const image = job.metadata?.annotations?.['cameleer.io/image'];
      if (
        current &&
        !current.metadata?.deletionTimestamp &&
        current.metadata?.annotations?.['cameleer.io/image'] === image
      )
        return false;
      // Gone meanwhile, still being deleted, or a build of this version for another registry.
      if (attempt > 50)
        throw new ImageBuildFailed(`the build Job ${header.job} is in the way and not going away`, []);
      if (current && !current.metadata?.deletionTimestamp) await api.delete(jobHeader(header));
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** Until the Job says it ended; it must, by its deadline, unless the cluster lost it. */
async function waitForJobEnd(
  api: KubeApi,
  poll: { namespace: string; job: string; pollMs: number },
): Promise<V1Job | undefined> {
  const deadline = Date.now() + (BUILD_DEADLINE_SECONDS + 120) * 1000;
  for (;;) {
    const job = await readJob(api, poll);
    if (jobState(job) !== 'active') return job;
    if (Date.now() > deadline)
      throw new ImageBuildFailed(
        `the build Job ${poll.namespace}/${poll.job} did not end by its deadline`,
        [],
      );
    await new Promise((resolve) => setTimeout(resolve, poll.pollMs));
  }
}
