import { join } from 'node:path';
import { findJava, hasJava } from '../java-on-path.ts';
import type { OrchestratorEntry } from '../orchestrator-entry.ts';
import { ProcessOrchestrator } from './process-orchestrator.ts';

/** Supervised `java` processes, wherever a java is at hand; their state in `<state dir>/apps`. */
export const processEntry: OrchestratorEntry = {
  kind: 'process',
  detect: async ({ config }) => (hasJava(config) ? 'ready' : 'absent'),
  open: ({ config, stateDir, logger, onSwitch }) =>
    ProcessOrchestrator.open({
      stateDir: join(stateDir, 'apps'),
      javaPath: findJava(config),
      logger,
      ...(onSwitch ? { onSwitch } : {}),
    }),
};
