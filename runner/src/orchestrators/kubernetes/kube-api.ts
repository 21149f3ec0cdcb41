/**
 * The few calls the orchestrator makes, over `@kubernetes/client-node`'s generic object API:
 * create-or-replace that survives a concurrent writer (409) and a missing object (404), reads that
 * answer `undefined` for a missing object, and deletes that accept one already gone.
 */
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';

type Header = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** An API answer other than the ones handled here, in words: status, reason and the server's message. */
export class KubernetesApiError extends Error {
  override name = 'KubernetesApiError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const conflictRetries = 5;

export class KubeApi {
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;

  constructor(readonly kubeConfig: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Creates the object, or replaces what is there with it (keeping the server's resourceVersion). */
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const current = await this.read<T>(header(object));
        if (!current) return await this.call(() => this.objects.create(object));
        const replacement = {
          ...object,
          metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion },
        };
        return await this.call(() => this.objects.replace(replacement));
      } catch (err) {
        // Someone created or changed it between our read and our write: read again.
        if (err instanceof KubernetesApiError && err.code === 409 && attempt < conflictRetries) continue;
        throw err;
      }
    }
  }

  /** Creates the object unless one of that name exists (volumes, immutable configuration): never replaces it. */
  async ensure<T extends KubernetesObject>(object: T): Promise<void> {
    if (await this.read(header(object))) return;
    await this.call(() => this.objects.create(object)).catch((err: unknown) => {
      if (!(err instanceof KubernetesApiError && err.code === 409)) throw err;
    });
  }

  /** Creates the object; `409 AlreadyExists` is the caller's to handle. */
  async create<T extends KubernetesObject>(object: T): Promise<T> {
    return this.call(() => this.objects.create(object));
  }

  async read<T extends KubernetesObject>(object: Header): Promise<T | undefined> {
    try {
      return await this.call(() => this.objects.read<T>(object));
    } catch (err) {
      if (err instanceof KubernetesApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** Objects of one kind by label, in one namespace or, without one, in all of them. */
  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    labelSelector: string,
    namespace?: string,
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const list = await this.call(() =>
      this.objects.list<T>(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      ),
    );
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async delete(object: Header): Promise<void> {
    await this.call(() =>
      this.objects.delete(object, undefined, undefined, undefined, undefined, 'Background'),
    ).catch((err: unknown) => {
      if (!(err instanceof KubernetesApiError && err.code === 404)) throw err;
    });
  }

  async podLog(namespace: string, pod: string, container: string, tailLines: number): Promise<string> {
    return this.call(() => this.core.readNamespacedPodLog({ name: pod, namespace, container, tailLines }));
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof ApiException) throw new KubernetesApiError(err.code, describe(err));
      throw err;
    }
  }
}

function header(object: KubernetesObject): Header {
  return {
    apiVersion: object.apiVersion ?? 'v1',
    kind: object.kind ?? '',
    metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace },
  } as Header;
}

/** The API's Status body says what went wrong: `422 Invalid: spec.selector: Required value`. */
function describe(err: ApiException<unknown>): string {
  const body = typeof err.body === 'string' ? parse(err.body) : err.body;
  const status = body as { reason?: string; message?: string } | undefined;
  return `Kubernetes API answered ${err.code}${status?.reason ? ` ${status.reason}` : ''}: ${status?.message ?? err.message}`;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
