/**
 * The parts of the runner that the edge's integration tests use directly, in one place: fetching an
 * app through the runner's front, and verifying the agent tokens the edge mints.
 */
export { fetchApp } from '../src/front/index.ts';
export { AgentTokenRefused, agentTokenVerifier } from '../src/telemetry/agent-token.ts';
