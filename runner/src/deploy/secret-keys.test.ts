import { describe, expect, it } from 'vitest';
import { deploySecretKeys } from './secret-keys.ts';

const agent = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://intake:4318',
  OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20t',
  OTEL_SERVICE_NAME: 'orders',
  CAMELEER_BOOTSTRAP_TOKEN: 'b',
};
const env = { LOG_LEVEL: 'info', DB_PASSWORD: 'p', CAMELEER_APP: 'orders' };

describe('the secret keys of a deploy', () => {
  it('are the tenant’s secrets the edge names and the agent’s credentials', () => {
    expect(deploySecretKeys({ env, secretKeys: ['DB_PASSWORD'] }, agent)).toEqual([
      'CAMELEER_BOOTSTRAP_TOKEN',
      'DB_PASSWORD',
      'OTEL_EXPORTER_OTLP_HEADERS',
    ]);
    expect(deploySecretKeys({ env, secretKeys: [] }, {})).toEqual([]);
  });

  it('are all of the tenant’s variables when the edge names none', () => {
    expect(deploySecretKeys({ env }, agent)).toEqual([
      'CAMELEER_APP',
      'CAMELEER_BOOTSTRAP_TOKEN',
      'DB_PASSWORD',
      'LOG_LEVEL',
      'OTEL_EXPORTER_OTLP_HEADERS',
    ]);
  });

  it('count an agent variable as a credential unless it is known to be plain', () => {
    expect(deploySecretKeys({ env: {}, secretKeys: [] }, { CAMELEER_AGENT_NEW_TOKEN: 'x' })).toEqual([
      'CAMELEER_AGENT_NEW_TOKEN',
    ]);
  });
});
