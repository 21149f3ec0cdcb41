import type { InventoryItem } from '@cameleer/shared';
import type { DeploymentRow } from '../db/schema/index.ts';

/** One app instance a runner reports, read from its inventory item `tenant/environment/app`. */
export type ReportedInstance = {
  tenant: string;
  environment: string;
  app: string;
  state: string;
  deploymentId?: string;
  url?: string;
};

export type Decision =
  | { kind: 'failed'; deployment: DeploymentRow; state: string }
  | { kind: 'running-again'; deployment: DeploymentRow; url?: string }
  | { kind: 'url'; deployment: DeploymentRow; url: string }
  | { kind: 'redeploy'; deployment: DeploymentRow }
  | { kind: 'remove' | 'stop'; deployment?: DeploymentRow; why: string };

const rank = ['running', 'starting', 'failed', 'stopped'];
const live = (state: string) => state === 'running' || state === 'starting';

export function reportedInstances(items: InventoryItem[]): ReportedInstance[] {
  return items.flatMap((item) => {
    const [tenant, environment, app, ...rest] = item.name.split('/');
    if (item.kind !== 'app' || !tenant || !environment || !app || rest.length) return [];
    return [
      {
        tenant,
        environment,
        app,
        state: item.state,
        deploymentId: item.labels?.deploymentId,
        url: item.labels?.url,
      },
    ];
  });
}

/**
 * What to do about one app in one environment, given its deployments (newest first) and what
 * `runnerId` reports for it. Nothing while a deploy or a command for it is in flight: that decides.
 */
export function decide(input: {
  runnerId: string;
  deployments: DeploymentRow[];
  reported: ReportedInstance[];
  commandOpen: boolean;
}): Decision | undefined {
  const { runnerId, deployments, reported } = input;
  const latest = deployments[0];
  if (input.commandOpen || latest?.state === 'BUILDING' || latest?.state === 'STARTING') return undefined;
  const of = (deploymentId: string) =>
    reported
      .filter((r) => r.deploymentId === deploymentId)
      .sort((a, b) => rank.indexOf(a.state) - rank.indexOf(b.state))[0];

  const running = deployments.find((d) => d.state === 'RUNNING');
  if (running?.runnerId === runnerId) {
    const instance = of(running.id);
    if (!instance) return { kind: 'redeploy', deployment: running };
    if (instance.state === 'running') {
      return instance.url && instance.url !== running.url
        ? { kind: 'url', deployment: running, url: instance.url }
        : undefined;
    }
    return instance.state === 'starting'
      ? undefined
      : { kind: 'failed', deployment: running, state: instance.state };
  }
  if (running) {
    // The app moved to another runner; what still runs here of an older deployment of ours is unwanted.
    const leftover = reported.some(
      (r) =>
        live(r.state) &&
        r.deploymentId !== running.id &&
        deployments.find((d) => d.id === r.deploymentId)?.runnerId === runnerId,
    );
    return leftover ? { kind: 'stop', why: `it runs on ${running.runnerId} now` } : undefined;
  }

  for (const [index, deployment] of deployments.entries()) {
    const instance = of(deployment.id);
    const newerAllFailed = deployments.slice(0, index).every((d) => d.state === 'FAILED');
    if (
      deployment.state === 'FAILED' &&
      deployment.runnerId === runnerId &&
      instance?.state === 'running' &&
      newerAllFailed
    ) {
      return { kind: 'running-again', deployment, url: instance.url };
    }
  }
  if (!reported.length) return undefined;
  if (!latest) return { kind: 'remove', why: 'nothing is deployed there' };
  if (latest.state === 'STOPPED' && latest.reason === 'removed')
    return { kind: 'remove', deployment: latest, why: 'it was removed' };
  if (latest.state === 'STOPPED' && reported.some((r) => live(r.state)))
    return { kind: 'stop', deployment: latest, why: 'it was stopped' };
  return undefined;
}
