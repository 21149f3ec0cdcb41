export {
  ProcessOrchestrator,
  type ProcessOrchestratorOptions,
  volumeEnvName,
} from './process-orchestrator.ts';
