import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { configMapObject, secretObject, splitEnv } from './config-objects.ts';
import { defaultKubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };

describe('configuration and secrets', () => {
  it('keeps everything but the platform’s plain variables out of the ConfigMap', () => {
    const { plain, secret } = splitEnv({
      OTEL_SERVICE_NAME: 'orders',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://intake:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer t',
      CAMELEER_BOOTSTRAP_TOKEN: 'b',
      DB_PASSWORD: 'p',
      STRIPE_SK: 'sk_live_x',
      LOG_LEVEL: 'info',
    });
    expect(plain).toEqual({ OTEL_SERVICE_NAME: 'orders', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://intake:4318' });
    expect(Object.keys(secret).sort()).toEqual([
      'CAMELEER_BOOTSTRAP_TOKEN',
      'DB_PASSWORD',
      'LOG_LEVEL',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'STRIPE_SK',
    ]);
    expect(splitEnv({ LOG_LEVEL: 'info' }, ['LOG_LEVEL']).plain).toEqual({ LOG_LEVEL: 'info' });
  });

  it('are valid objects named by their content', () => {
    const map = configMapObject(ref, { LOG_LEVEL: 'info' }, defaultKubernetesSettings);
    const secret = secretObject(ref, { DB_PASSWORD: 's3cr3t-value' }, defaultKubernetesSettings);
    expect(() => validateKubernetesObject(map)).not.toThrow();
    expect(() => validateKubernetesObject(secret)).not.toThrow();
    expect(map.metadata?.name).toMatch(/^orders-config-[0-9a-f]{10}$/);
    expect(configMapObject(ref, { LOG_LEVEL: 'debug' }, defaultKubernetesSettings).metadata?.name).not.toBe(
      map.metadata?.name,
    );
    expect(secret.data).toEqual({ DB_PASSWORD: Buffer.from('s3cr3t-value').toString('base64') });
    expect(JSON.stringify(secret.metadata)).not.toContain('s3cr3t');
  });
});
