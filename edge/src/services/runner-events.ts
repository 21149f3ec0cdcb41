import type { RunnerEvents } from '../tunnel/runner-events.ts';
import { commandFinished, deploymentProgress } from './deployments/index.ts';
import { reconcileRunner } from './reconcile.ts';

/** What runner frames mean to the edge's services, handed to the tunnel hub by the entry point. */
export const runnerEvents: RunnerEvents = {
  commandProgress: ({ ctx }, { commandId, message }) => deploymentProgress(ctx, commandId, message),
  commandFinished: ({ ctx }, command) => commandFinished(ctx, command),
  inventoryReported: async ({ ctx, services }, input) => {
    await reconcileRunner({ ctx, services, input });
  },
};
