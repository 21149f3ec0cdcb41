import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import {
  limitRangeObject,
  namespaceObject,
  networkPolicyObject,
  resourceQuotaObject,
} from './namespace-objects.ts';
import { defaultKubernetesSettings, type KubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'prod' };
const custom: KubernetesSettings = { ...defaultKubernetesSettings, namespacePrefix: 'apps-', tier: 'low' };

describe('namespace objects', () => {
  it.each([
    ['default', defaultKubernetesSettings],
    ['customised', custom],
  ])('are valid Kubernetes objects (%s settings)', (_, settings) => {
    for (const build of [namespaceObject, networkPolicyObject, resourceQuotaObject, limitRangeObject]) {
      expect(() => validateKubernetesObject(build(ref, settings))).not.toThrow();
    }
  });

  it('names the namespace per tenant and environment and labels it with both', () => {
    const ns = namespaceObject(ref, custom);
    expect(ns.metadata?.name).toBe('apps-acme-prod');
    expect(ns.metadata?.labels).toMatchObject({
      'cameleer.io/tenant': 'acme',
      'cameleer.io/environment': 'prod',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it('admits the same tenant and untenanted namespaces, so other tenants are refused', () => {
    const wire = validateKubernetesObject(networkPolicyObject(ref, defaultKubernetesSettings));
    expect(wire.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { namespaceSelector: { matchLabels: { 'cameleer.io/tenant': 'acme' } } },
            {
              namespaceSelector: {
                matchExpressions: [{ key: 'cameleer.io/tenant', operator: 'DoesNotExist' }],
              },
            },
          ],
        },
      ],
    });
  });

  it('sizes the quota and the limit range from the tier', () => {
    expect(resourceQuotaObject(ref, custom).spec?.hard).toMatchObject({
      pods: '6',
      'limits.memory': '3072Mi',
    });
    const wire = validateKubernetesObject(limitRangeObject(ref, custom)) as {
      spec: { limits: { max: unknown; default: unknown }[] };
    };
    expect(wire.spec.limits[0]).toMatchObject({ max: { memory: '512Mi' }, default: { memory: '512Mi' } });
  });
});
