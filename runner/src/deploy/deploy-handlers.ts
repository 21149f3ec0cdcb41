/**
 * The runner's deployment commands (`deploy`, `stop`, `restart`, `remove`, `status`, `logs`) on
 * top of one orchestrator. Stage lines (`stage:BUILDING`, `stage:STARTING`) are whole progress
 * messages the edge maps to deployment states; every other progress line is free text.
 */
import { DeployPayload, LogsPayload, RefPayload } from '@cameleer/shared';
import { CommandFailed, type CommandHandler, type CommandHandlers } from '../commands/handlers.ts';
import { parsePayload } from '../commands/parse-payload.ts';
import type { FrontProxy } from '../front/index.ts';
import {
  type AppRef,
  type BuiltImage,
  DeployFailed,
  type DeploySpec,
  ImageBuildFailed,
  type ImageBuildSpec,
  type Instance,
  type Orchestrator,
  type Progress,
} from '../orchestrators/orchestrator.ts';
import type { HttpFetch } from '../proxy/http-client.ts';
import { agentEnv } from '../telemetry/agent-env.ts';
import type { TelemetryScopes } from '../telemetry/scopes.ts';
import { fetchArtifact } from './artifact-fetch.ts';
import { followLogs } from './follow-logs.ts';
import { deploySecretKeys } from './secret-keys.ts';

export type ImageBuilder = (spec: ImageBuildSpec, progress: Progress) => Promise<BuiltImage>;

export type DeployHandlersOptions = {
  orchestrator: Orchestrator;
  /** The agent JAR, or how to get it (built on first use). */
  agentJarPath: string | (() => Promise<string>);
  /** The runner's state dir: artifacts are cached under `artifacts/`. */
  stateDir: string;
  /** For orchestrators that run images; the orchestrator's own `prepareImage` unless given. */
  imageBuilder?: ImageBuilder;
  /** For orchestrators that run images: the JRE image apps are built on (`CAMELEER_JRE_IMAGE`). */
  baseImage?: string;
  fetch?: HttpFetch;
  /** Gives apps their stable URL: results carry it as `instance.url`, the instance's own as `directUrl`. */
  front?: FrontProxy;
  /** Points every app's telemetry at the runner's intake; without it apps get no telemetry variables. */
  telemetry?: {
    /** The intake's base URL as apps of that orchestrator reach it; `undefined` while no intake runs. */
    intakeUrl(orchestrator: Orchestrator): string | undefined;
    scopes: TelemetryScopes;
  };
};

export const stage = { building: 'stage:BUILDING', starting: 'stage:STARTING' } as const;

const failedLogLines = 20;

export function deployHandlers(opts: DeployHandlersOptions): CommandHandlers {
  const { orchestrator, front } = opts;
  const imageBuilder = opts.imageBuilder ?? orchestrator.prepareImage?.bind(orchestrator);
  const agentJar = () =>
    typeof opts.agentJarPath === 'string' ? Promise.resolve(opts.agentJarPath) : opts.agentJarPath();

  /** Routes the front to the instance (the switch hook did, unless it moved since) and presents it. */
  const routed = (instance: Instance): Instance & { directUrl?: string } => {
    if (!front) return instance;
    if (instance.state === 'running' && instance.url) front.route(instance.ref, instance.url);
    else front.park(instance.ref);
    return presented(instance);
  };
  const presented = (instance: Instance) => front?.present(instance) ?? instance;

  const deploy: CommandHandler = async ({ command, progress }) => {
    const payload = parsePayload(DeployPayload, command.payload);
    const { ref, version } = payload;
    progress(stage.building);
    const jarPath = await fetchArtifact({
      stateDir: opts.stateDir,
      url: version.artifactUrl,
      sha256: version.sha256,
      progress,
      fetch: opts.fetch,
    });
    const agentPath = await agentJar();
    const agentVariables = telemetryEnv(payload);
    const spec: DeploySpec = {
      ref,
      deploymentId: payload.deploymentId,
      version: version.id,
      artifactSha256: version.sha256,
      agentPath,
      jarPath,
      // The platform's variables win over the tenant's.
      env: { ...payload.env, ...agentVariables },
      secretKeys: deploySecretKeys(payload, agentVariables),
      resources: payload.resources,
      writeableVolumes: payload.writeableVolumes,
      healthCheck: payload.healthCheck,
      private: payload.private,
    };
    if (imageBuilder) {
      const image = await imageBuilder(
        {
          tenant: ref.tenant,
          app: ref.app,
          version: version.id,
          appJarPath: jarPath,
          agentJarPath: agentPath,
          sha256: version.sha256,
          ...(opts.baseImage ? { baseImage: opts.baseImage } : {}),
        },
        progress,
      ).catch((err: unknown) => {
        if (err instanceof ImageBuildFailed) throw new CommandFailed(withLines(err.message, err.lastLines));
        throw err;
      });
      spec.image = image.tag;
    }
    progress(stage.starting);
    await recordScope(payload);
    const instance = await orchestrator.deploy(spec, progress).catch(async (err: unknown) => {
      await forgetUnlessRunning(payload);
      return failedHealthCheck(err);
    });
    await opts.telemetry?.scopes.forgetApp(ref, payload.deploymentId);
    return { state: 'RUNNING', instance: routed(instance) };
  };

  const telemetryEnv = ({ telemetry, ref, deploymentId }: DeployPayload): Record<string, string> => {
    if (!telemetry || !opts.telemetry) return {};
    const intakeUrl = opts.telemetry.intakeUrl(orchestrator);
    return intakeUrl ? agentEnv({ intakeUrl, ref, deploymentId, telemetry }) : {};
  };

  /** A failed deploy left no instance of its own; whatever ran before keeps running with its own scope. */
  const forgetUnlessRunning = async ({ ref, deploymentId }: DeployPayload): Promise<void> => {
    if (!opts.telemetry) return;
    const current = await orchestrator.status(ref).catch(() => null);
    if (current?.deploymentId !== deploymentId) await opts.telemetry.scopes.delete(deploymentId);
  };

  /** Before the app starts: it may register and report while it does. */
  const recordScope = async ({ telemetry, ref, deploymentId }: DeployPayload): Promise<void> => {
    if (!telemetry || !opts.telemetry) return;
    await opts.telemetry.scopes.set(ref, {
      tenantId: telemetry.tenantId,
      environment: ref.environment,
      app: ref.app,
      deploymentId,
      retentionDays: telemetry.retentionDays,
    });
  };

  return {
    deploy,
    stop: async ({ command }) => {
      const { ref } = parsePayload(RefPayload, command.payload);
      await orchestrator.stop(ref);
      front?.park(ref);
      const instance = await orchestrator.status(ref);
      return { state: 'STOPPED', instance: instance ? presented(instance) : null };
    },
    restart: async ({ command }) => {
      const { ref } = parsePayload(RefPayload, command.payload);
      const instance = await orchestrator.restart(ref).catch(failedHealthCheck);
      return { state: deploymentState(instance), instance: routed(instance) };
    },
    remove: async ({ command }) => {
      const { ref } = parsePayload(RefPayload, command.payload);
      await orchestrator.remove(ref);
      front?.unroute(ref);
      await opts.telemetry?.scopes.forgetApp(ref);
      return { state: 'REMOVED' };
    },
    status: async ({ command }) => {
      const { ref } = parsePayload(RefPayload, command.payload);
      const instance = await orchestrator.status(ref);
      return { instance: instance ? presented(instance) : null };
    },
    logs: async ({ command, progress, signal }) => {
      const { ref, tail, follow, seconds } = parsePayload(LogsPayload, command.payload);
      if (follow) return followLogs(orchestrator, ref, { tail, seconds, signal }, progress);
      return { lines: await tailLogs(orchestrator, ref, tail) };
    },
  };
}

/** The deployment state the edge records for an instance state. */
export function deploymentState(instance: Instance): string {
  return instance.state.toUpperCase();
}

async function tailLogs(orchestrator: Orchestrator, ref: AppRef, tail: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of orchestrator.logs(ref, { tail, follow: false })) lines.push(line);
  return lines.slice(-tail);
}

function failedHealthCheck(err: unknown): never {
  if (err instanceof DeployFailed) {
    throw new CommandFailed(withLines(`health check failed: ${err.message}`, err.lastLogLines));
  }
  throw err;
}

function withLines(message: string, lines: string[]): string {
  const last = lines.slice(-failedLogLines);
  return last.length ? `${message}\n${last.join('\n')}` : message;
}
