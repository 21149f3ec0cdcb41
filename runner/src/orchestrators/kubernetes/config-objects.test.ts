import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { configMapObject, secretObject, splitEnv } from './config-objects.ts';
import { defaultKubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };

describe('configuration and secrets', () => {
  it('keeps secrets out of the ConfigMap', () => {
    const { plain, secret } = splitEnv(
      {
        LOG_LEVEL: 'info',
        DB_PASSWORD: 'p',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer t',
        SMTP_HOST: 'mx',
      },
      ['SMTP_HOST'],
    );
    expect(plain).toEqual({ LOG_LEVEL: 'info' });
    expect(Object.keys(secret).sort()).toEqual(['DB_PASSWORD', 'OTEL_EXPORTER_OTLP_HEADERS', 'SMTP_HOST']);
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
