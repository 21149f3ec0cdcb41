import { describe, expect, it } from 'vitest';
import { telemetryConfigOf } from '../telemetry/telemetry-config.ts';
import { parseRunnerConfig, runnerConfigSchema } from './schema.ts';

describe("the runner's configuration", () => {
  it('describes every variable, for the docs table rendered from it', () => {
    for (const [name, field] of Object.entries(runnerConfigSchema.shape)) {
      expect(field.description, name).toMatch(/\S/);
    }
  });

  it('keeps the defaults it had: apps under localhost, no ClickHouse, the orchestrator chosen', () => {
    const config = parseRunnerConfig({});
    expect(config.CAMELEER_APPS_DOMAIN).toBe('localhost');
    expect(config.CAMELEER_ORCHESTRATOR).toBeUndefined();
    expect(config.CAMELEER_JRE_IMAGE).toBeUndefined();
    expect(telemetryConfigOf(config)).toBeUndefined();
  });

  it('takes a blank variable as unset', () => {
    const config = parseRunnerConfig({
      CAMELEER_APPS_DOMAIN: ' ',
      CAMELEER_JRE_IMAGE: '',
      CAMELEER_INTAKE_PORT: '',
    });
    expect(config).toMatchObject({ CAMELEER_APPS_DOMAIN: 'localhost' });
    expect(config.CAMELEER_JRE_IMAGE).toBeUndefined();
    expect(config.CAMELEER_INTAKE_PORT).toBeUndefined();
  });

  it('reads only its own variables', () => {
    expect(Object.keys(parseRunnerConfig({ SOMETHING_ELSE: 'x' }))).not.toContain('SOMETHING_ELSE');
  });

  it('gives telemetry its ClickHouse, intake and spool settings', () => {
    const config = parseRunnerConfig({
      CAMELEER_CLICKHOUSE_URL: 'http://ch:8123',
      CAMELEER_CLICKHOUSE_USER: 'runner',
      CAMELEER_CLICKHOUSE_PASSWORD: 's3cret',
      CAMELEER_INTAKE_PORT: '4318',
      CAMELEER_TELEMETRY_SPOOL_BYTES: '1000',
      CAMELEER_TELEMETRY_RATE: '5',
    });
    expect(telemetryConfigOf(config)).toEqual({
      clickhouse: { url: 'http://ch:8123', username: 'runner', password: 's3cret' },
      intakePort: 4318,
      tuning: { spoolBytes: 1000, ratePerSecond: 5 },
    });
  });

  it('names the variable that is wrong, never its value', () => {
    expect(() => parseRunnerConfig({ CAMELEER_INTAKE_PORT: '70000' })).toThrow(/CAMELEER_INTAKE_PORT/);
    expect(() => parseRunnerConfig({ CAMELEER_TELEMETRY_SPOOL_BYTES: 'lots' })).toThrow(
      /CAMELEER_TELEMETRY_SPOOL_BYTES/,
    );
    const secret = 'http://u:hunter2@ not a url';
    expect(() => parseRunnerConfig({ CAMELEER_CLICKHOUSE_URL: secret })).toThrow(/CAMELEER_CLICKHOUSE_URL/);
    expect(() => parseRunnerConfig({ CAMELEER_CLICKHOUSE_URL: secret })).not.toThrow(/hunter2/);
  });

  it('refuses an intake on the port the front listens on', () => {
    expect(() => parseRunnerConfig({ CAMELEER_FRONT_PORT: '9000', CAMELEER_INTAKE_PORT: '9000' })).toThrow(
      /CAMELEER_INTAKE_PORT: the front already listens on port 9000/,
    );
    expect(() => parseRunnerConfig({ CAMELEER_INTAKE_PORT: '8880' })).toThrow(/port 8880/);
    expect(() => parseRunnerConfig({ CAMELEER_FRONT_PORT: '0', CAMELEER_INTAKE_PORT: '0' })).not.toThrow();
    expect(() =>
      parseRunnerConfig({ CAMELEER_FRONT_PORT: 'off', CAMELEER_INTAKE_PORT: '8880' }),
    ).not.toThrow();
  });
});
