import { DockerOrchestrator } from '../orchestrators/docker/index.ts';
import type { Orchestrator } from '../orchestrators/orchestrator.ts';
import { ProcessOrchestrator } from '../orchestrators/process/index.ts';

/**
 * Calls `listener` when what runs changes outside any command: the Docker engine is back after a
 * restart (its containers rediscovered by label), or a supervised process crashed, restarted or
 * gave up. Returns a function that stops watching.
 */
export function watchInventoryChanges(orchestrator: Orchestrator, listener: () => void): () => void {
  if (orchestrator instanceof DockerOrchestrator) {
    const off = orchestrator.on('engine-up', () => listener());
    orchestrator.watchEngine();
    return () => {
      off();
      orchestrator.unwatchEngine();
    };
  }
  if (orchestrator instanceof ProcessOrchestrator)
    return orchestrator.on('instance-changed', () => listener());
  return () => {};
}
