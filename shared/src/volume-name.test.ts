import { describe, expect, it } from 'vitest';
import { volumeName } from './volume-name.ts';

describe('volumeName', () => {
  const ref = { tenant: 'acme', environment: 'dev', app: 'orders' };

  it('names a volume by tenant, environment, app and the slug of its path', () => {
    expect(volumeName(ref, '/var/lib/Data_1/')).toBe('cameleer-acme-dev-orders-var-lib-data-1');
  });

  it('differs per environment and tenant, and names the root path', () => {
    expect(volumeName({ ...ref, environment: 'prod' }, '/data')).not.toBe(volumeName(ref, '/data'));
    expect(volumeName({ ...ref, tenant: 'other' }, '/data')).not.toBe(volumeName(ref, '/data'));
    expect(volumeName(ref, '/')).toBe('cameleer-acme-dev-orders-root');
  });
});
