export { ensureAgentJar } from './agent.ts';
export { artifactPath, fetchArtifact } from './artifact-fetch.ts';
export {
  chooseOrchestrator,
  type Deployments,
  inventoryItem,
  openDeployments,
} from './choose-orchestrator.ts';
export { type DeployHandlersOptions, deployHandlers, type ImageBuilder, stage } from './deploy-handlers.ts';
export { DeployPayload, LogsPayload, RefPayload } from './deploy-payload.ts';
