/**
 * Every orchestrator the runner knows, in order of preference: the first one at hand runs the apps.
 * Adding one is its folder and one line here.
 */
import { dockerEntry } from './docker/entry.ts';
import { kubernetesEntry } from './kubernetes/entry.ts';
import type { OrchestratorEntry } from './orchestrator-entry.ts';
import { processEntry } from './process/entry.ts';

// biome-ignore format: one line per orchestrator, so adding one is one line
export const orchestratorRegistry: readonly OrchestratorEntry[] = [
  kubernetesEntry,
  dockerEntry,
  processEntry,
];
