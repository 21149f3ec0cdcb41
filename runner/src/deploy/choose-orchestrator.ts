/**
 * Opens where this machine runs apps, from the orchestrator registry (the Docker engine when it
 * answers, else supervised Java processes when a `java` is at hand, else nothing: deployment
 * commands then stay unsupported), and what the runner adds to itself to deploy on it.
 */
import type { Capability, InventoryItem } from '@cameleer/shared';
import type { CommandHandlers } from '../commands/handlers.ts';
import { parseRunnerConfig, type RunnerConfig } from '../config/schema.ts';
import { type FrontProxy, openFront } from '../front/index.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { Instance, Orchestrator } from '../orchestrators/orchestrator.ts';
import { orchestratorRegistry } from '../orchestrators/registry.ts';
import { selectOrchestrator } from '../orchestrators/select-orchestrator.ts';
import type { HttpFetch } from '../proxy/http-client.ts';
import { type FrontConfig, parseFrontConfig } from '../runner-config.ts';
import { ensureAgentJar } from './agent.ts';
import { type DeployHandlersOptions, deployHandlers } from './deploy-handlers.ts';

export type ChooseOrchestratorOptions = {
  stateDir: string;
  /** The runner's configuration, parsed at start; else parsed here from `env`. */
  config?: RunnerConfig;
  /** Only without `config`: the environment to parse (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** How long the engine may take to answer `_ping`. */
  pingTimeoutMs?: number;
  /** The new instance of a deploy is healthy: route traffic to it before the old one drains. */
  onSwitch?: (instance: Instance) => void;
};

/** The sticky choice, CAMELEER_ORCHESTRATOR and the warnings live with the registry (`selectOrchestrator`). */
export function chooseOrchestrator(opts: ChooseOrchestratorOptions): Promise<Orchestrator | undefined> {
  return selectOrchestrator(orchestratorRegistry, {
    config: configOf(opts),
    stateDir: opts.stateDir,
    logger: opts.logger ?? silentLogger,
    pingTimeoutMs: opts.pingTimeoutMs ?? 3_000,
    ...(opts.onSwitch ? { onSwitch: opts.onSwitch } : {}),
  });
}

function configOf(opts: ChooseOrchestratorOptions): RunnerConfig {
  return opts.config ?? parseRunnerConfig(opts.env ?? process.env);
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
  const config = configOf(opts);
  const frontConfig = frontConfigOf(config, logger);
  let front: FrontProxy | undefined;
  const onSwitch = (instance: Instance) => {
    if (instance.url) front?.route(instance.ref, instance.url);
  };
  // A broken orchestrator must not keep the runner from connecting: it still answers status and list.
  const orchestrator = await chooseOrchestrator({ ...opts, config, onSwitch }).catch((err: Error) => {
    logger.error('could not open an orchestrator', { error: err.message });
    return undefined;
  });
  if (!orchestrator) {
    logger.warn('this runner cannot deploy apps: no reachable Docker engine and no java');
    return undefined;
  }
  logger.info('apps run on this orchestrator', { orchestrator: orchestrator.kind });
  const opened = frontConfig ? await openFront(frontConfig, orchestrator, logger) : undefined;
  front = opened?.front;
  return {
    orchestrator,
    front,
    handlers: deployHandlers({
      orchestrator,
      stateDir: opts.stateDir,
      agentJarPath: () => ensureAgentJar(opts.stateDir, config),
      baseImage: config.CAMELEER_JRE_IMAGE,
      fetch: opts.fetch,
      front,
      ...(opts.telemetry ? { telemetry: opts.telemetry } : {}),
    }),
    capabilities: [...orchestrator.capabilities],
    // The edge keeps a deployment's URL in step with the inventory: it must be the stable one.
    inventory: async () => (await orchestrator.list()).map((i) => inventoryItem(front?.present(i) ?? i)),
    close: async () => {
      await opened?.close();
      await orchestrator.close();
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

function frontConfigOf(config: RunnerConfig, logger: Logger): FrontConfig | undefined {
  try {
    return parseFrontConfig(config);
  } catch (err) {
    logger.error('no front: its configuration is invalid', { error: (err as Error).message });
    return undefined;
  }
}
