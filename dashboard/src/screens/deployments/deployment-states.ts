import type { components } from '../../api/client.ts';

export type DeploymentDetail = components['schemas']['DeploymentDetail'];
export type DeploymentState = DeploymentDetail['state'];
type Event = DeploymentDetail['events'][number];

export const stateColor: Record<DeploymentState, string> = {
  BUILDING: 'blue',
  STARTING: 'cyan',
  RUNNING: 'green',
  FAILED: 'red',
  STOPPED: 'gray',
};

/** A deployment in one of these states changes no more, so the page stops asking. */
export function isTerminal(state: DeploymentState): boolean {
  return state === 'RUNNING' || state === 'FAILED' || state === 'STOPPED';
}

export type Step = { state: DeploymentState; at: string | null; reason: string; reached: boolean };

/**
 * The path a deployment takes, BUILDING → STARTING → RUNNING, with the times it reached each step;
 * a deployment that failed or stopped ends on that step instead, so the picture shows where.
 */
export function stepsOf(deployment: DeploymentDetail): Step[] {
  const firstOf = (state: DeploymentState): Event | undefined =>
    deployment.events.find((e) => e.state === state);
  const happy: DeploymentState[] = ['BUILDING', 'STARTING', 'RUNNING'];
  const steps: Step[] = happy.map((state) => {
    const event = firstOf(state);
    return { state, at: event?.at ?? null, reason: event?.reason ?? '', reached: event !== undefined };
  });
  const ending =
    deployment.state === 'FAILED' || deployment.state === 'STOPPED' ? deployment.state : undefined;
  if (!ending) return steps;
  const last = [...deployment.events].reverse().find((e) => e.state === ending);
  const reached = steps.filter((s) => s.reached);
  return [
    ...reached,
    {
      state: ending,
      at: last?.at ?? deployment.updatedAt,
      reason: last?.reason || deployment.reason,
      reached: true,
    },
  ];
}
