/**
 * Trace sampling per app and environment: one configuration key, resolved through the layers like
 * any other, mapped at deploy onto the standard OpenTelemetry sampler variables that every SDK, the
 * Java agent and the sample app read. Parent-based, so a service called by a sampled trace keeps it.
 */
export const samplingKey = 'CAMELEER_TRACES_SAMPLING';

/** A fraction in [0, 1] (`0.25`) or a percentage (`25%`); undefined when the value is neither. */
export function samplingRatio(value: string): number | undefined {
  const text = value.trim();
  const match = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(text);
  if (!match?.[1]) return undefined;
  const ratio = match[2] ? Number(match[1]) / 100 : Number(match[1]);
  return ratio >= 0 && ratio <= 1 ? ratio : undefined;
}

export const samplingValueMessage = 'must be a fraction from 0 to 1 (0.25) or a percentage (25%)';

/**
 * The deploy command's variables with the sampling key replaced by the standard ones. Variables the
 * configuration sets itself (`OTEL_TRACES_SAMPLER`) win: whoever set them chose a sampler on purpose.
 */
export function withSamplingEnv(env: Record<string, string>): Record<string, string> {
  const { [samplingKey]: value, ...rest } = env;
  if (value === undefined || rest.OTEL_TRACES_SAMPLER !== undefined) return rest;
  const ratio = samplingRatio(value);
  // Stored values were checked when set; one that no longer parses samples everything rather than nothing.
  if (ratio === undefined || ratio === 1) return { ...rest, OTEL_TRACES_SAMPLER: 'parentbased_always_on' };
  if (ratio === 0) return { ...rest, OTEL_TRACES_SAMPLER: 'parentbased_always_off' };
  return { ...rest, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) };
}
