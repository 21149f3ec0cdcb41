import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { defaultKubernetesSettings } from './settings.ts';
import { volumeClaimObject } from './volume-claims.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };

describe('volume claims', () => {
  it('are valid, named per seed 004, with the default or the configured storage class', () => {
    const plain = volumeClaimObject(ref, '/data', defaultKubernetesSettings);
    const custom = volumeClaimObject(
      ref,
      '/data',
      { ...defaultKubernetesSettings, storageClass: 'fast' },
      '5Gi',
    );
    expect(() => validateKubernetesObject(plain)).not.toThrow();
    expect(() => validateKubernetesObject(custom)).not.toThrow();
    expect(plain.metadata?.name).toBe('cameleer-acme-prod-orders-data');
    expect(plain.spec?.storageClassName).toBeUndefined();
    expect(custom.spec).toMatchObject({
      storageClassName: 'fast',
      resources: { requests: { storage: '5Gi' } },
    });
  });
});
