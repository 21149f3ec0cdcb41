import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { configMapObject, secretObject, splitEnv } from './config-objects.ts';
import { defaultKubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };

describe('configuration and secrets', () => {
  it('puts the keys named as secrets in the Secret and only the others in the ConfigMap', () => {
    const env = {
      OTEL_SERVICE_NAME: 'orders',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer t',
      DB_PASSWORD: 'p',
      LOG_LEVEL: 'info',
    };
    const { plain, secret } = splitEnv(env, ['DB_PASSWORD', 'OTEL_EXPORTER_OTLP_HEADERS', 'NOT_SET']);
    expect(plain).toEqual({ OTEL_SERVICE_NAME: 'orders', LOG_LEVEL: 'info' });
    expect(secret).toEqual({ DB_PASSWORD: 'p', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer t' });
    expect(splitEnv(env, [])).toEqual({ plain: env, secret: {} });
  });

  it('keeps every key in the Secret when the deploy does not say which are secrets', () => {
    const env = { OTEL_SERVICE_NAME: 'orders', LOG_LEVEL: 'info', DB_PASSWORD: 'p' };
    expect(splitEnv(env, undefined)).toEqual({ plain: {}, secret: env });
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

  it('names a Secret by its content without a plain hash of the values anyone reading Deployments could test guesses against', () => {
    const values = { DB_PASSWORD: 'hunter2' };
    const name = secretObject(ref, values, defaultKubernetesSettings).metadata?.name;
    expect(secretObject(ref, { ...values }, defaultKubernetesSettings).metadata?.name).toBe(name);
    expect(secretObject(ref, { DB_PASSWORD: 'hunter3' }, defaultKubernetesSettings).metadata?.name).not.toBe(
      name,
    );
    const plainHash = createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 10);
    expect(name).not.toContain(plainHash);
  });
});
