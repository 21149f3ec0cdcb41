/**
 * Picks where this machine runs apps: the Docker engine when it answers, else supervised Java
 * processes when a `java` is at hand, else nothing (deployment commands then stay unsupported).
 * The choice sticks across restarts; `CAMELEER_ORCHESTRATOR=docker|process` sets it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Capability, InventoryItem } from '@cameleer/shared';
import Docker from 'dockerode';
import { dockerSocketPath } from '../capabilities.ts';
import type { CommandHandlers } from '../commands/handlers.ts';
import { type FrontProxy, openFront } from '../front/index.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { DockerOrchestrator } from '../orchestrators/docker/index.ts';
import type { Instance, Orchestrator } from '../orchestrators/orchestrator.ts';
import { ProcessOrchestrator } from '../orchestrators/process/index.ts';
import type { HttpFetch } from '../proxy/http-client.ts';
import { type FrontConfig, parseFrontConfig } from '../runner-config.ts';
import { ensureAgentJar } from './agent.ts';
import { type DeployHandlersOptions, deployHandlers } from './deploy-handlers.ts';

export type ChooseOrchestratorOptions = {
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** How long the engine may take to answer `_ping`. */
  pingTimeoutMs?: number;
  /** The new instance of a deploy is healthy: route traffic to it before the old one drains. */
  onSwitch?: (instance: Instance) => void;
};

export async function chooseOrchestrator(opts: ChooseOrchestratorOptions): Promise<Orchestrator | undefined> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? silentLogger;
  const kind = await pickKind(opts, env, logger);
  if (kind === 'docker') {
    return new DockerOrchestrator({
      docker: new Docker(),
      domain: env.CAMELEER_APPS_DOMAIN || 'localhost',
      onSwitch: opts.onSwitch,
    });
  }
  if (kind === 'process') {
    return ProcessOrchestrator.open({
      stateDir: join(opts.stateDir, 'apps'),
      logger,
      onSwitch: opts.onSwitch,
    });
  }
  return undefined;
}

/**
 * The first choice is kept in the state dir: a runner whose engine is slow to come back after a
 * reboot must not start the same apps again as processes (nor the reverse). `CAMELEER_ORCHESTRATOR`
 * overrides it.
 */
async function pickKind(
  opts: ChooseOrchestratorOptions,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<Orchestrator['kind'] | undefined> {
  const forced = env.CAMELEER_ORCHESTRATOR;
  if (forced === 'docker' || forced === 'process') return remember(opts.stateDir, forced);
  const hasEngine = !!env.DOCKER_HOST || existsSync(dockerSocketPath);
  const previous = await recalled(opts.stateDir);
  if (previous === 'docker' && hasEngine) {
    if (!(await answers(new Docker(), opts.pingTimeoutMs ?? 3_000)))
      logger.warn('the Docker engine does not answer yet; apps stay on Docker and wait for it');
    return 'docker';
  }
  if (previous === 'process' && hasJava(env)) return 'process';
  if (hasEngine && (await answers(new Docker(), opts.pingTimeoutMs ?? 3_000)))
    return remember(opts.stateDir, 'docker');
  if (hasEngine) logger.warn('the Docker engine does not answer; running apps as processes');
  return hasJava(env) ? remember(opts.stateDir, 'process') : undefined;
}

const choiceFile = (stateDir: string) => join(stateDir, 'orchestrator');

async function recalled(stateDir: string): Promise<string | undefined> {
  return (await readFile(choiceFile(stateDir), 'utf8').catch(() => '')).trim() || undefined;
}

async function remember<K extends Orchestrator['kind']>(stateDir: string, kind: K): Promise<K> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(choiceFile(stateDir), `${kind}\n`, { mode: 0o600 });
  return kind;
}

/** What a runner adds to itself to deploy apps: handlers, capabilities, inventory. */
export type Deployments = {
  orchestrator: Orchestrator;
  handlers: CommandHandlers;
  capabilities: Capability[];
  inventory(): Promise<InventoryItem[]>;
  /** Where apps answer at stable URLs; none when CAMELEER_FRONT_PORT=off or it could not listen. */
  front?: FrontProxy;
  close(): Promise<void>;
};

export async function openDeployments(
  opts: ChooseOrchestratorOptions & { fetch?: HttpFetch; telemetry?: DeployHandlersOptions['telemetry'] },
): Promise<Deployments | undefined> {
  const logger = opts.logger ?? silentLogger;
  const frontConfig = frontConfigOf(opts.env ?? process.env, logger);
  let front: FrontProxy | undefined;
  const onSwitch = (instance: Instance) => {
    if (instance.url) front?.route(instance.ref, instance.url);
  };
  // A broken orchestrator must not keep the runner from connecting: it still answers status and list.
  const orchestrator = await chooseOrchestrator({ ...opts, onSwitch }).catch((err: Error) => {
    logger.error('could not open an orchestrator', { error: err.message });
    return undefined;
  });
  if (!orchestrator) {
    logger.warn('this runner cannot deploy apps: no reachable Docker engine and no java');
    return undefined;
  }
  logger.info('apps run on this orchestrator', { orchestrator: orchestrator.kind });
  const env = opts.env ?? process.env;
  const opened = frontConfig ? await openFront(frontConfig, orchestrator, logger) : undefined;
  front = opened?.front;
  return {
    orchestrator,
    front,
    handlers: deployHandlers({
      orchestrator,
      stateDir: opts.stateDir,
      agentJarPath: () => ensureAgentJar(opts.stateDir, env),
      baseImage: env.CAMELEER_JRE_IMAGE?.trim() || undefined,
      fetch: opts.fetch,
      front,
      ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
    }),
    capabilities:
      orchestrator.kind === 'docker' && hasJava(env) ? ['docker', 'process'] : [orchestrator.kind],
    // The edge keeps a deployment's URL in step with the inventory: it must be the stable one.
    inventory: async () => (await orchestrator.list()).map((i) => inventoryItem(front?.present(i) ?? i)),
    close: async () => {
      await opened?.close();
      if (orchestrator instanceof ProcessOrchestrator) await orchestrator.close();
      if (orchestrator instanceof DockerOrchestrator) orchestrator.unwatchEngine();
    },
  };
}

export function inventoryItem(instance: Instance): InventoryItem {
  const { tenant, environment, app } = instance.ref;
  return {
    kind: 'app',
    name: `${tenant}/${environment}/${app}`,
    state: instance.state,
    labels: {
      deploymentId: instance.deploymentId,
      version: instance.version,
      ...(instance.url ? { url: instance.url } : {}),
    },
  };
}

function frontConfigOf(env: NodeJS.ProcessEnv, logger: Logger): FrontConfig | undefined {
  try {
    return parseFrontConfig(env);
  } catch (err) {
    logger.error('no front: its configuration is invalid', { error: (err as Error).message });
    return undefined;
  }
}

async function answers(docker: Docker, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([docker.ping().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function hasJava(env: NodeJS.ProcessEnv): boolean {
  if (env.JAVA_HOME && existsSync(join(env.JAVA_HOME, 'bin', 'java'))) return true;
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'java')));
}
