import { describe, expect, it } from 'vitest';
import { samplingKey, samplingRatio, withSamplingEnv } from './trace-sampling.ts';

describe('trace sampling', () => {
  it('reads a fraction or a percentage, and nothing else', () => {
    expect(samplingRatio('0.25')).toBe(0.25);
    expect(samplingRatio(' 25% ')).toBe(0.25);
    expect(samplingRatio('.5')).toBe(0.5);
    expect(samplingRatio('1')).toBe(1);
    expect(samplingRatio('0')).toBe(0);
    for (const bad of ['', '1.5', '150%', '-0.1', 'half', '0.1.2', '1e-3', '%'])
      expect(samplingRatio(bad), bad).toBeUndefined();
  });

  it('maps the key onto the standard parent-based samplers', () => {
    expect(withSamplingEnv({ A: 'a', [samplingKey]: '10%' })).toEqual({
      A: 'a',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    expect(withSamplingEnv({ [samplingKey]: '0' })).toEqual({
      OTEL_TRACES_SAMPLER: 'parentbased_always_off',
    });
    expect(withSamplingEnv({ [samplingKey]: '1' })).toEqual({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
    expect(withSamplingEnv({ A: 'a' })).toEqual({ A: 'a' });
  });

  it('leaves a sampler the configuration chose itself alone', () => {
    const env = { [samplingKey]: '0.5', OTEL_TRACES_SAMPLER: 'always_on' };
    expect(withSamplingEnv(env)).toEqual({ OTEL_TRACES_SAMPLER: 'always_on' });
  });
});
