import type { RunnerConfig } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { Instance, Orchestrator } from './orchestrator.ts';
import type { VolumeArchive } from './volume-archive.ts';

/** What an orchestrator is given to find out whether it can run here, and to open. */
export type OrchestratorContext = {
  config: RunnerConfig;
  /** The runner's state dir; an orchestrator keeps its own state in a folder of it. */
  stateDir: string;
  logger: Logger;
  /** How long an engine may take to answer before it counts as not answering. */
  pingTimeoutMs: number;
  /** The new instance of a deploy is healthy: route traffic to it before the old one drains. */
  onSwitch?: (instance: Instance) => void;
};

/** `ready`: it can run apps now; `unanswered`: it is here but does not answer (yet); `absent`: not here. */
export type Detection = 'ready' | 'unanswered' | 'absent';

/** One line of the registry: how to tell an orchestrator is at hand, and how to open it. */
export type OrchestratorEntry = {
  kind: string;
  detect(ctx: OrchestratorContext): Promise<Detection>;
  open(ctx: OrchestratorContext): Promise<Orchestrator>;
  /** Warnings when it is here but does not answer: kept because it was chosen before, or passed over. */
  unanswered?: { staying: string; passing: string };
  /** Where it keeps apps' volumes outside the state directory: backup and restore reach them here. */
  volumeArchive?(): Promise<VolumeArchive | undefined>;
};
