export { detectCapabilities } from './capabilities.ts';
export { CommandExecutor } from './commands/command-executor.ts';
export { CommandVerifier } from './commands/command-verifier.ts';
export {
  type CommandContext,
  CommandFailed,
  type CommandHandler,
  type CommandHandlers,
  defaultHandlers,
  notSupportedYet,
  type RunnerInfo,
} from './commands/handlers.ts';
export {
  chooseOrchestrator,
  type DeployHandlersOptions,
  type Deployments,
  deployHandlers,
  openDeployments,
} from './deploy/index.ts';
export { type EmbeddedRunnerOptions, startEmbeddedRunner } from './embedded-runner.ts';
export { createFileLogger, type Logger, silentLogger } from './logger.ts';
export { type RegisterRunnerInput, RegistrationError, registerRunner } from './registration.ts';
export { Runner, type RunnerEvents, type RunnerOptions } from './runner.ts';
export type { RunnerTimingInput } from './runner-config.ts';
export { hasIdentity, IdentityError, type RunnerIdentity, readIdentity } from './state/identity.ts';
export { CommandJournal, interruptedReason } from './state/journal.ts';
export { defaultStateDir, stateFiles } from './state/state-dir.ts';
export { type RunnerStatus, readStatus } from './state/status-file.ts';
export { runnerVersion } from './version.ts';
