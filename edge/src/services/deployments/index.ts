export { type AppAction, appAction } from './app-actions.ts';
export { createDeployment, type DeployServices, deployDefaults } from './create.ts';
export { logLines, requestLogs } from './logs.ts';
export { promote } from './promote.ts';
export { getDeployment, latestDeployments, listDeployments } from './queries.ts';
export { appActionResult, commandFinished, deploymentProgress, deploymentResult } from './results.ts';
export { rollback } from './rollback.ts';
export {
  canTransition,
  DeploymentTransitionRefused,
  deploymentTransitions,
  noteDeployment,
  recordDeploymentUrl,
  transitionDeployment,
} from './state-machine.ts';
