/**
 * Where apps run. Docker (`dockerode`), Kubernetes (later) and local processes
 * implement this one interface; the runner's command handlers only use it.
 */

/** Names an app in one environment of one tenant; slugs, so they can appear in names and labels. */
export type AppRef = { tenant: string; environment: string; app: string };

export type DeploySpec = {
  ref: AppRef;
  deploymentId: string;
  /** The app version (id or label) this deployment runs. */
  version: string;
  /** SHA-256 of the app JAR, labelled on the instance. */
  artifactSha256?: string;
  /** Docker: the image built for this version. */
  image?: string;
  /** Process: the app JAR on this machine. */
  jarPath?: string;
  /** The observability agent JAR, attached with -javaagent. */
  agentPath?: string;
  /** Merged configuration (global ← environment ← app) and decrypted secrets. PORT/SERVER_PORT are set by the orchestrator. */
  env: Record<string, string>;
  resources: { memoryMb: number; cpus: number; pids: number };
  /** Absolute paths inside the app that must stay writeable and survive redeploys (seed 004). */
  writeableVolumes: string[];
  /** How to tell the new instance is ready before the old one is stopped. */
  healthCheck: { httpPath?: string; timeoutSeconds: number };
  /** Route the app through ForwardAuth (Traefik labels). */
  private: boolean;
};

export type InstanceState = 'starting' | 'running' | 'failed' | 'stopped';

export type Instance = {
  ref: AppRef;
  deploymentId: string;
  version: string;
  state: InstanceState;
  /** Orchestrator-specific id: container id, process id. */
  id: string;
  /** Where the app answers HTTP on this machine, when it does. */
  url?: string;
  startedAt?: string;
};

/** A deployment that did not become healthy; the previous instance keeps serving. */
export class DeployFailed extends Error {
  override name = 'DeployFailed';
  constructor(
    message: string,
    /** The failed instance's last log lines, for the deployment's reason. */
    readonly lastLogLines: string[],
  ) {
    super(message);
  }
}

export type Progress = (message: string) => void;

export interface Orchestrator {
  readonly kind: 'docker' | 'process';
  /** Blue/green: start the new instance, wait for its health check, then stop the old one. */
  deploy(spec: DeploySpec, progress: Progress): Promise<Instance>;
  stop(ref: AppRef): Promise<void>;
  restart(ref: AppRef): Promise<Instance>;
  /** Stops and removes the app in this environment, and prunes its volumes. */
  remove(ref: AppRef): Promise<void>;
  status(ref: AppRef): Promise<Instance | undefined>;
  logs(ref: AppRef, opts: { tail: number; follow: boolean; signal?: AbortSignal }): AsyncIterable<string>;
  /** Everything this orchestrator runs, rediscovered from the engine or process table (inventory, reconcile). */
  list(): Promise<Instance[]>;
}

/** Deterministic volume name of seed 004: never crosses tenants or environments, survives redeploys. */
export function volumeName(ref: AppRef, path: string): string {
  const slug = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `cameleer-${ref.tenant}-${ref.environment}-${ref.app}-${slug || 'root'}`;
}
