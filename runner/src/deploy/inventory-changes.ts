import type { Orchestrator } from '../orchestrators/orchestrator.ts';

/**
 * Calls `listener` when what runs changes outside any command: the Docker engine is back after a
 * restart (its containers rediscovered by label), or a supervised process crashed, restarted or
 * gave up. Returns a function that stops watching.
 */
export function watchInventoryChanges(orchestrator: Orchestrator, listener: () => void): () => void {
  return orchestrator.watchChanges(() => listener());
}
