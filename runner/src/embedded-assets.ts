import * as sea from 'node:sea';

/**
 * Files the runner reads next to its sources (the OTLP schema, the agent JAR) are carried inside
 * the single-file runner as SEA assets (scripts/build-runner-binary.ts embeds them); from a
 * checkout they are read from disk.
 */
export const isSingleFileRunner = (): boolean => sea.isSea();

/** The embedded asset's bytes, or undefined outside the single-file runner. */
export function embeddedAsset(name: string): ArrayBuffer | undefined {
  return sea.isSea() ? sea.getAsset(name) : undefined;
}

/** The names the build embeds under. */
export const embeddedAssetNames = {
  otlpProto: 'otlp.proto',
  agentJar: 'cameleer-agent.jar',
} as const;
