/**
 * The variables that point an app's telemetry at this runner's intake: the standard OpenTelemetry
 * ones (any exporter, with the deployment's agent token) and the cameleer agent's bootstrap.
 */
import type { AppRef } from '../orchestrators/orchestrator.ts';

export type DeployTelemetry = {
  bootstrapToken: string;
  agentToken: string;
  tenantId: string;
  retentionDays: number;
};

/** Of the variables below, those that carry no credential; any other one is a secret. */
export const AGENT_PLAIN_VARIABLES: readonly string[] = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'CAMELEER_AGENT_REGISTER_URL',
];

export function agentEnv(input: {
  /** The intake's base URL as the app reaches it (`http://host.docker.internal:<port>` from a container). */
  intakeUrl: string;
  ref: AppRef;
  deploymentId: string;
  telemetry: DeployTelemetry;
}): Record<string, string> {
  const { ref, deploymentId, telemetry } = input;
  const base = input.intakeUrl.replace(/\/+$/, '');
  // W3C-baggage style lists: keys and values are percent-encoded.
  const resource = {
    'deployment.environment': ref.environment,
    'service.namespace': ref.tenant,
    'cameleer.deployment.id': deploymentId,
  };
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: base,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=${encodeURIComponent(`Bearer ${telemetry.agentToken}`)}`,
    OTEL_SERVICE_NAME: ref.app,
    OTEL_RESOURCE_ATTRIBUTES: Object.entries(resource)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join(','),
    CAMELEER_BOOTSTRAP_TOKEN: telemetry.bootstrapToken,
    CAMELEER_AGENT_REGISTER_URL: `${base}/api/agent/register`,
  };
}
