/** The deployment commands' payloads: the contract with the edge lives in `@cameleer/shared`. */
export { AppRefPayload, DeployPayload, LogsPayload, RefPayload } from '@cameleer/shared';
export { parsePayload } from '../commands/parse-payload.ts';
