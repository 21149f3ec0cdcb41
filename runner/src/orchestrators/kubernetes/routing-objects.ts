/** How an app is reached: a Service in front of its pods, and an Ingress for `{app}.{env}.{tenant}.{domain}`. */
import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import type { AppRef } from '../orchestrator.ts';
import { APP_PORT, appHost, appLabels, appObjectName, namespaceName } from './names.ts';
import type { KubernetesSettings } from './settings.ts';

export function serviceObject(ref: AppRef, settings: KubernetesSettings): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: appObjectName(ref),
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
    },
    spec: {
      type: 'ClusterIP',
      selector: appLabels(ref),
      ports: [{ name: 'http', port: APP_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** Private apps go through ForwardAuth: Traefik's middleware annotation names it. */
export function ingressObject(ref: AppRef, isPrivate: boolean, settings: KubernetesSettings): V1Ingress {
  const name = appObjectName(ref);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: namespaceName(settings.namespacePrefix, ref),
      labels: appLabels(ref),
      ...(isPrivate
        ? { annotations: { 'traefik.ingress.kubernetes.io/router.middlewares': settings.forwardAuth } }
        : {}),
    },
    spec: {
      ...(settings.ingressClass ? { ingressClassName: settings.ingressClass } : {}),
      rules: [
        {
          host: appHost(ref, settings.domain),
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name, port: { number: APP_PORT } } },
              },
            ],
          },
        },
      ],
    },
  };
}
