/**
 * The build pod of a Kaniko Job, from the runner's side: wait until it runs, stream the build
 * context into its stdin through the attach API (WebSocket channel protocol: channel 0 is stdin,
 * closed by closing the socket in `v4.channel.k8s.io` or by a close frame in v5), and follow its log
 * line by line.
 */
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Attach, Log, type V1Pod } from '@kubernetes/client-node';
import { ImageBuildFailed } from '../orchestrator.ts';
import { KANIKO_CONTAINER } from './kaniko-job.ts';
import type { KubeApi } from './kube-api.ts';

export type BuildPodWait = { namespace: string; job: string; pollMs: number; timeoutMs: number };

const unpullable = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
]);

/** The Job's pod once it runs or has ended; `undefined` when the Job ended without one (quota, deadline). */
export async function waitForBuildPod(
  api: KubeApi,
  wait: BuildPodWait,
  jobEnded: () => Promise<boolean>,
): Promise<V1Pod | undefined> {
  const deadline = Date.now() + wait.timeoutMs;
  let last = 'no pod yet';
  while (Date.now() < deadline) {
    const { items } = await api.list<V1Pod>('v1', 'Pod', `job-name=${wait.job}`, wait.namespace);
    const pod = items.find((p) => !p.metadata?.deletionTimestamp);
    const phase = pod?.status?.phase;
    if (pod && (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed')) return pod;
    const waiting = pod?.status?.containerStatuses?.[0]?.state?.waiting;
    if (pod && waiting?.reason && unpullable.has(waiting.reason)) {
      throw new ImageBuildFailed(
        `the image build could not start: the Kaniko executor image ${pod.spec?.containers[0]?.image ?? ''} could not be run (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
        [],
      );
    }
    const unscheduled = pod?.status?.conditions?.find(
      (c) => c.type === 'PodScheduled' && c.status === 'False',
    );
    last = unscheduled?.message ?? waiting?.reason ?? phase ?? last;
    if (!pod && (await jobEnded())) return undefined;
    await delay(wait.pollMs);
  }
  throw new ImageBuildFailed(
    `the image build did not start within ${Math.round(wait.timeoutMs / 1000)} s (${last})`,
    [],
  );
}

/** Streams the context, gzipped as Kaniko's `tar://stdin` wants it; resolves once stdin is closed. */
export async function streamBuildContext(
  api: KubeApi,
  pod: V1Pod,
  context: NodeJS.ReadableStream,
): Promise<void> {
  const gzip = createGzip();
  const socket = await new Attach(api.kubeConfig)
    .attach(
      pod.metadata?.namespace ?? '',
      pod.metadata?.name ?? '',
      KANIKO_CONTAINER,
      null,
      null,
      gzip,
      false,
    )
    .catch((err: unknown) => {
      throw new ImageBuildFailed(
        `could not attach to the build pod ${pod.metadata?.name}: ${message(err)}`,
        [],
      );
    });
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => {
      socket.terminate();
      reject(new ImageBuildFailed(`streaming the build context failed: ${message(err)}`, []));
    };
    socket.on('close', () => resolve());
    socket.on('error', fail);
    context.on('error', fail);
    // v4 closes stdin by closing the socket; v5 with a close frame of channel 0, and the session
    // would stay open until the container ends: the runner follows the log instead.
    gzip.on('end', () => socket.close());
    (context as Readable).pipe(gzip);
  });
}

/** Each line of the build pod's log as it comes, until the container ends. */
export async function followBuildLog(
  api: KubeApi,
  pod: V1Pod,
  onLine: (line: string) => void,
): Promise<void> {
  const out = new PassThrough();
  const done = new Promise<void>((resolve) => {
    const lines = createInterface({ input: out, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', onLine);
    lines.on('close', resolve);
  });
  await new Log(api.kubeConfig)
    .log(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', KANIKO_CONTAINER, out, { follow: true })
    .catch(() => out.end());
  await done;
}

/** How the build container ended, in words: `Error, exit code 1`. */
export function buildPodOutcome(pod: V1Pod | undefined): string | undefined {
  const terminated = pod?.status?.containerStatuses?.[0]?.state?.terminated;
  if (!pod || !terminated) return undefined;
  return `pod ${pod.metadata?.name}: ${terminated.reason ?? 'terminated'}, exit code ${terminated.exitCode}`;
}

function message(err: unknown): string {
  if (err instanceof Error) return err.message;
  const event = err as { message?: string; error?: Error } | undefined;
  return event?.error?.message ?? event?.message ?? String(err);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
