/**
 * Where apps run. Docker (`dockerode`), Kubernetes (later) and local processes
 * implement this one interface; the runner's command handlers only use it. Code outside
 * `orchestrators/` never asks which one it has (`boundary.test.ts`): what differs is a member here.
 */
import type { Capability } from '@cameleer/shared';

/** Deterministic volume names live in `shared/` so the edge shows the same names the runner uses. */
export { volumeName } from '@cameleer/shared';

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
  /** The keys of `env` that hold secrets (the tenant's, the agent's tokens); absent: any of them may. */
  secretKeys?: readonly string[];
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

/**
 * An instance's own output (stdout/stderr) line by line, with a cursor to resume from, for log
 * capture. Unlike `Orchestrator.logs` (the current instance of an app, for people), this follows one
 * instance and can resume exactly where a previous reader stopped.
 */
export type OutputLine = {
  line: string;
  /** Set when the engine keeps the streams apart (Docker); a process writes both into one file. */
  stream?: 'stdout' | 'stderr';
  /** When the engine timestamps lines (Docker): RFC 3339 with up to nanoseconds, UTC. */
  time?: string;
  /** Opaque; pass as `after` to resume right after this line. */
  cursor: string;
};

export type FollowOutputOptions = {
  /** A cursor yielded earlier: resume after that line. Without it, from the instance's first line. */
  after?: string;
  signal: AbortSignal;
};

/** Orchestrators whose instances' output can be followed. Ends when the output can grow no more. */
export type OutputFollower = (instance: Instance, opts: FollowOutputOptions) => AsyncIterable<OutputLine>;

/** What an image is built from, for orchestrators that run images (Docker, Kubernetes). */
export type ImageBuildSpec = {
  tenant: string;
  app: string;
  version: string;
  appJarPath: string;
  agentJarPath: string;
  /** The JRE base image; `cameleer/jre:17` unless configured. */
  baseImage?: string;
  /** The app JAR's SHA-256 when already known (checked on download); computed otherwise. */
  sha256?: string;
};

export type BuiltImage = { tag: string; id: string; sha256: string };

/** The build output's last lines, for the deployment's reason. */
export class ImageBuildFailed extends Error {
  override name = 'ImageBuildFailed';
  constructor(
    message: string,
    readonly lastLines: string[],
  ) {
    super(message);
  }
}

/** How apps reach the runner's own listeners (the telemetry intake) from where they run. */
export type RunnerAddress = {
  /** The interface a listener binds so apps can reach it: loopback, or all of them for containers. */
  bindHost: string;
  /** The host name apps are given in URLs (`host.docker.internal` from a container). */
  urlHost: string;
};

/** Something changed outside any command; `instances` is what runs now when the orchestrator rediscovered it. */
export type OrchestratorChange = { instances?: Instance[] };

export interface Orchestrator {
  /** The registry entry's name (`docker`, `process`): for logs, the sticky choice and the edge, never to branch on. */
  readonly kind: string;
  /** What the runner tells the edge it can run apps with. */
  readonly capabilities: readonly Capability[];
  /** Where apps reach the runner. */
  readonly runnerAddress: RunnerAddress;
  /** Instances per app it runs at once; the blue/green switch briefly has one more. */
  readonly maxReplicas: number;
  /** Builds what a deploy runs (the version's image); absent where the JAR runs as it is (processes). */
  prepareImage?(spec: ImageBuildSpec, progress: Progress): Promise<BuiltImage>;
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
  /** One instance's stdout/stderr, resumable, for log capture; absent where the output cannot be followed. */
  followOutput?: OutputFollower;
  /**
   * Calls `listener` when what runs changes outside any command (an engine back after a restart, a
   * process that crashed or restarted). Returns a function that stops listening.
   */
  watchChanges(listener: (change: OrchestratorChange) => void): () => void;
  /** The runner is going away: stop watching and supervising; the apps keep running. */
  close(): Promise<void>;
}
