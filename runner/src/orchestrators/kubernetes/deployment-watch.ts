/**
 * Watches every Deployment the runner manages, in all namespaces or in one. The watch resumes from the last
 * resourceVersion it saw when the stream ends; when the server has forgotten that version
 * (`410 Gone`), it lists again and starts over from the list, reporting what runs now.
 */
import { type V1Deployment, Watch } from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.ts';

export type DeploymentWatchEvents = {
  /** A Deployment was added, changed or deleted. */
  changed(): void;
  /** The watch started over from a fresh list: these are all the Deployments there are. */
  relisted(deployments: V1Deployment[]): void | Promise<void>;
  error?(err: Error): void;
};

export function watchDeployments(
  api: KubeApi,
  scope: { labelSelector: string; namespace?: string },
  events: DeploymentWatchEvents,
  retryMs = 1000,
): () => void {
  const { labelSelector } = scope;
  let stopped = false;
  let resourceVersion: string | undefined;
  let current: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;

  const later = (run: () => void) => {
    if (!stopped) timer = setTimeout(run, retryMs);
  };

  const relist = async () => {
    try {
      const list = await api.list<V1Deployment>('apps/v1', 'Deployment', labelSelector, scope.namespace);
      resourceVersion = list.resourceVersion;
      if (stopped) return;
      await events.relisted(list.items);
      await watchFrom();
    } catch (err) {
      events.error?.(err as Error);
      later(relist);
    }
  };

  const watchFrom = async () => {
    let gone = false;
    current = await new Watch(api.kubeConfig).watch(
      scope.namespace
        ? `/apis/apps/v1/namespaces/${scope.namespace}/deployments`
        : '/apis/apps/v1/deployments',
      { labelSelector, resourceVersion, allowWatchBookmarks: true },
      (type, object: { metadata?: { resourceVersion?: string }; code?: number }) => {
        if (type === 'ERROR') {
          gone = object.code === 410;
          return;
        }
        if (object.metadata?.resourceVersion) resourceVersion = object.metadata.resourceVersion;
        if (type !== 'BOOKMARK') events.changed();
      },
      (err: (Error & { statusCode?: number }) | null) => {
        if (stopped) return;
        // A watch refused outright with 410 (rather than an ERROR event in the stream) means the same.
        if (err?.statusCode === 410) gone = true;
        if (err && !gone) events.error?.(err);
        later(gone ? relist : resume);
      },
    );
    if (stopped) current.abort();
  };

  const resume = () => {
    watchFrom().catch((err: Error) => {
      events.error?.(err);
      later(relist);
    });
  };

  void relist();
  return () => {
    stopped = true;
    clearTimeout(timer);
    current?.abort();
  };
}
