/**
 * The build pod of a Kaniko Job, from the runner's side: wait until it runs, stream the build
 * context into its stdin through the attach API (WebSocket channel protocol: channel 0 is stdin,
 * closed by closing the socket in `v4.channel.k8s.io` or by a close frame in v5), and follow its log
 * line by line.
 */
import { createInterface } from 'node:readline';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Attach, Log, type V1Pod } from '@kubernetes/client-node';
import { ImageBuildFailed } from '../orchestrator.ts';
import { KANIKO_CONTAINER } from './kaniko-job.ts';
import type { KubeApi } from './kube-api.ts';

export type BuildPodWait = { namespace: string; job: string; pollMs: number; timeoutMs: number };

const STDIN = Buffer.from([0]);
const CLOSE_STDIN = Buffer.from([255, 0]);

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

/**
 * Streams the context, gzipped as Kaniko's `tar://stdin` wants it, and closes stdin. Each frame waits
 * for the one before to be written: a JAR is never held in memory whole.
 */
export async function streamBuildContext(
  api: KubeApi,
  pod: V1Pod,
  context: NodeJS.ReadableStream,
): Promise<void> {
  // Attach asks for stdin only when handed a stream; the frames are written here, not through it.
  const stdinRequest = new PassThrough();
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const socket = await new Attach(api.kubeConfig)
    .attach(namespace, name, KANIKO_CONTAINER, null, null, stdinRequest, false)
    .catch((err: unknown) => {
      throw new ImageBuildFailed(`could not attach to the build pod ${name}: ${message(err)}`, []);
    });
  const closed = new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
  const send = (frame: Buffer) =>
    new Promise<void>((resolve, reject) => socket.send(frame, (err) => (err ? reject(err) : resolve())));
  try {
    await pipeline(Readable.from(context), createGzip(), async (gzipped: AsyncIterable<Buffer>) => {
      for await (const chunk of gzipped) await send(Buffer.concat([STDIN, chunk]));
    });
    // v5 closes stdin with a close frame of channel 0; v4 only by closing the socket.
    if (socket.protocol === 'v5.channel.k8s.io') await send(CLOSE_STDIN);
    socket.close();
    await closed;
  } catch (err) {
    socket.terminate();
    throw new ImageBuildFailed(`streaming the build context failed: ${message(err)}`, []);
  } finally {
    stdinRequest.destroy();
  }
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
