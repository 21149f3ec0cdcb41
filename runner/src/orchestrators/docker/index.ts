export {
  DockerOrchestrator,
  type DockerOrchestratorOptions,
  type EngineEvents,
  EngineUnavailable,
} from './docker-orchestrator.ts';
export {
  type BuiltImage,
  buildAppImage,
  DEFAULT_JRE_IMAGE,
  ImageBuildFailed,
  type ImageBuildSpec,
  imageTag,
  renderDockerfile,
} from './image-builder.ts';
export { networkName, traefikLabels } from './labels.ts';
