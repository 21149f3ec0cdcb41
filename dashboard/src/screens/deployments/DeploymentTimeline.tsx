import { Text, Timeline } from '@mantine/core';
import { formatDateTime } from '../../components/dates.ts';
import { type DeploymentDetail, stateColor, stepsOf } from './deployment-states.ts';

/** Where the deployment is on its way to RUNNING, with when it got to each step and why it stopped. */
export function DeploymentTimeline({ deployment }: { deployment: DeploymentDetail }) {
  const steps = stepsOf(deployment);
  const active = steps.filter((s) => s.reached).length - 1;
  const ending = steps.at(-1)?.state;
  return (
    <Timeline
      active={active}
      bulletSize={22}
      lineWidth={2}
      color={ending === 'FAILED' ? 'red' : ending === 'STOPPED' ? 'gray' : 'green'}
      aria-label="Deployment timeline"
    >
      {steps.map((step) => (
        <Timeline.Item
          key={step.state}
          title={step.state}
          color={step.reached ? stateColor[step.state] : undefined}
          data-state={step.state}
        >
          <Text size="xs" c="dimmed">
            {step.at ? formatDateTime(step.at) : 'not yet'}
          </Text>
          {step.reason && (
            <Text size="sm" c={step.state === 'FAILED' ? 'red' : undefined}>
              {/* A failure's last log lines are shown in full above the timeline. */}
              {step.reason.split('\n')[0]}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
