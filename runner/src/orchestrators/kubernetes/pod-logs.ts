/** The app's output from all its pods: the last lines of each, and, when followed, new lines as they come. */

import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { Log, type V1Pod } from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.ts';
import { APP_CONTAINER } from './names.ts';

export async function tailPodLogs(api: KubeApi, pods: readonly V1Pod[], tail: number): Promise<string[]> {
  const outputs = await Promise.all(
    pods.map((pod) =>
      api
        .podLog(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', APP_CONTAINER, tail)
        .catch(() => ''),
    ),
  );
  return outputs.flatMap((text) => text.split('\n').filter((line) => line !== ''));
}

/** Lines of every pod as they come, interleaved, until the signal aborts or every stream has ended. */
export async function* followPodLogs(
  api: KubeApi,
  pods: readonly V1Pod[],
  opts: { tail: number; signal?: AbortSignal },
): AsyncIterable<string> {
  const merged = new PassThrough();
  const log = new Log(api.kubeConfig);
  let open = pods.length;
  const controllers = await Promise.all(
    pods.map(async (pod) => {
      const out = new PassThrough();
      // Whole lines only: two pods' chunks must not interleave inside a line.
      const lines = createInterface({ input: out, crlfDelay: Number.POSITIVE_INFINITY });
      lines.on('line', (line) => merged.write(`${line}\n`));
      lines.on('close', () => {
        if (--open === 0) merged.end();
      });
      return log
        .log(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', APP_CONTAINER, out, {
          follow: true,
          tailLines: opts.tail,
        })
        .catch(() => {
          out.end();
          return undefined;
        });
    }),
  );
  if (open === 0) merged.end();
  const stop = () => {
    for (const controller of controllers) controller?.abort();
    merged.end();
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    if (opts.signal?.aborted) return;
    for await (const line of createInterface({ input: merged, crlfDelay: Number.POSITIVE_INFINITY })) {
      yield line;
    }
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    stop();
  }
}
