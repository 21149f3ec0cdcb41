import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { BUILD_LABEL, BUILD_RECORD_SECONDS, buildLabel, kanikoJobObject } from './kaniko-job.ts';

const base = {
  ref: { tenant: 'acme', app: 'orders' },
  version: 'ver_1',
  destination: 'registry.example.com/cameleer/acme-orders:ver_1',
  namespace: 'cameleer',
};

describe('the Kaniko build Job', () => {
  it('is valid for an anonymous registry: context on stdin, pushed once, never retried', () => {
    const job = kanikoJobObject(base);
    expect(() => validateKubernetesObject(job)).not.toThrow();
    const container = job.spec?.template.spec?.containers[0];
    expect(container?.args).toEqual([
      '--context=tar://stdin',
      '--dockerfile=Dockerfile',
      '--destination=registry.example.com/cameleer/acme-orders:ver_1',
      '--single-snapshot',
    ]);
    expect(container).toMatchObject({ stdin: true, stdinOnce: true });
    expect(job.metadata?.name).toBe('build-acme-orders-ver-1');
    expect(job.spec).toMatchObject({ backoffLimit: 0, template: { spec: { restartPolicy: 'Never' } } });
    expect(job.spec?.template.spec?.volumes).toBeUndefined();
  });

  it('is labelled with its image, found again by it, and kept a week as the record of the push', () => {
    const job = kanikoJobObject(base);
    expect(job.metadata?.labels?.[BUILD_LABEL]).toBe(buildLabel(base.destination));
    expect(job.metadata?.labels?.[BUILD_LABEL]).toMatch(/^[0-9a-f]{10}$/);
    expect(job.spec?.template.metadata?.labels?.[BUILD_LABEL]).toBe(buildLabel(base.destination));
    expect(job.metadata?.annotations?.['cameleer.io/image']).toBe(base.destination);
    expect(job.spec).toMatchObject({
      ttlSecondsAfterFinished: BUILD_RECORD_SECONDS,
      activeDeadlineSeconds: 900,
    });
    expect(buildLabel(`${base.destination}-other`)).not.toBe(buildLabel(base.destination));
  });

  it('is valid with registry credentials and a layer cache: the Secret is Kaniko’s docker config', () => {
    const job = kanikoJobObject({
      ...base,
      registrySecret: 'registry-push',
      cacheRepository: 'registry.example.com/cameleer/cache',
    });
    expect(() => validateKubernetesObject(job)).not.toThrow();
    const pod = job.spec?.template.spec;
    expect(pod?.volumes).toEqual([
      {
        name: 'registry',
        secret: { secretName: 'registry-push', items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
      },
    ]);
    expect(pod?.containers[0]?.volumeMounts).toEqual([
      { name: 'registry', mountPath: '/kaniko/.docker', readOnly: true },
    ]);
    expect(pod?.containers[0]?.args).toContain('--cache-repo=registry.example.com/cameleer/cache');
  });
});
