import { type Logger, silentLogger } from '../logger.ts';
import type { Orchestrator } from '../orchestrators/orchestrator.ts';
import type { FrontConfig } from '../runner-config.ts';
import { FrontProxy } from './front-proxy.ts';

/**
 * Starts the front for an orchestrator with routes to what already runs, so app URLs keep working
 * across runner restarts. A front that cannot listen is logged, not fatal: apps still deploy and
 * answer at their direct URLs.
 */
export async function openFront(
  config: FrontConfig,
  orchestrator: Orchestrator,
  logger: Logger = silentLogger,
): Promise<{ front: FrontProxy; close(): Promise<void> } | undefined> {
  const front = new FrontProxy({
    ...config,
    anyPortWhenTaken: true,
    lookup: (ref) => orchestrator.status(ref),
    logger,
  });
  try {
    await front.listen();
  } catch (err) {
    logger.error('the front could not listen; apps answer at their direct URLs only', {
      host: config.host,
      port: config.port,
      error: (err as Error).message,
    });
    return undefined;
  }
  front.sync(await orchestrator.list().catch(() => []));
  // An engine back after a restart reports what runs on it now: routes follow.
  const unsubscribe = orchestrator.watchChanges(({ instances }) => {
    if (instances) front.sync(instances);
  });
  return {
    front,
    close: async () => {
      unsubscribe();
      await front.close();
    },
  };
}
