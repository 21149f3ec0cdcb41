/**
 * The parts of the edge that the runner's integration tests drive directly, in one place: what a
 * runner reports through the tunnel (progress, results), applied without a tunnel, and the stores a
 * test stack is built with. Tests of the other package reach the edge through here or over HTTP.
 */
export { createStripeBilling } from '../src/billing/stripe-billing.ts';
export { withTenant } from '../src/db/client.ts';
export { addProgress, completeCommand } from '../src/services/commands.ts';
export { appActionResult, deploymentProgress, deploymentResult } from '../src/services/deployments/index.ts';
export { clickhouseTelemetryStore } from '../src/telemetry/store.ts';
