import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { ingressObject, serviceObject } from './routing-objects.ts';
import { defaultKubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };
const custom = { ...defaultKubernetesSettings, domain: 'apps.example.com', ingressClass: 'traefik' };

describe('the Service and the Ingress', () => {
  it.each([
    ['default', defaultKubernetesSettings, false],
    ['customised', custom, true],
  ] as const)('are valid Kubernetes objects (%s)', (_, settings, isPrivate) => {
    expect(() => validateKubernetesObject(serviceObject(ref, settings))).not.toThrow();
    expect(() => validateKubernetesObject(ingressObject(ref, isPrivate, settings))).not.toThrow();
  });

  it('routes {app}.{env}.{tenant}.{domain} with the configured class to the service', () => {
    const ingress = ingressObject(ref, false, custom);
    expect(ingress.spec?.ingressClassName).toBe('traefik');
    expect(ingress.spec?.rules?.[0]?.host).toBe('orders.prod.acme.apps.example.com');
    expect(ingress.spec?.rules?.[0]?.http?.paths[0]?.backend.service).toEqual({
      name: 'orders',
      port: { number: 8080 },
    });
    expect(ingress.metadata?.annotations).toBeUndefined();
    expect(ingressObject(ref, false, defaultKubernetesSettings).spec?.ingressClassName).toBeUndefined();
  });

  it('sends private apps through ForwardAuth', () => {
    expect(ingressObject(ref, true, custom).metadata?.annotations).toEqual({
      'traefik.ingress.kubernetes.io/router.middlewares': 'cameleer-system-cameleer-auth@kubernetescrd',
    });
  });
});
