import { z } from 'zod';

/** Where a deployment is: `BUILDING → STARTING → RUNNING`, or `FAILED`, `STOPPED`. */
export const deploymentStates = ['BUILDING', 'STARTING', 'RUNNING', 'FAILED', 'STOPPED'] as const;
export const DeploymentState = z.enum(deploymentStates);
export type DeploymentState = z.infer<typeof DeploymentState>;
