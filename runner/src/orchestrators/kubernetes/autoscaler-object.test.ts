import { describe, expect, it } from 'vitest';
import { validateKubernetesObject } from '../../../test/kube-objects.ts';
import { autoscalerObject } from './autoscaler-object.ts';
import { defaultKubernetesSettings } from './settings.ts';

const ref = { tenant: 'acme', environment: 'prod', app: 'orders' };

describe('the HorizontalPodAutoscaler', () => {
  it('is valid and scales the app’s Deployment between the replicas and the maximum on CPU', () => {
    const hpa = autoscalerObject(
      ref,
      { min: 2, max: 5 },
      { ...defaultKubernetesSettings, namespacePrefix: 'apps-' },
    );
    expect(() => validateKubernetesObject(hpa)).not.toThrow();
    expect(hpa.metadata?.namespace).toBe('apps-acme-prod');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' },
      minReplicas: 2,
      maxReplicas: 5,
    });
  });
});
