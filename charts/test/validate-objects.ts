/**
 * Validates rendered objects against the Kubernetes OpenAPI schemas shipped by kubernetes-models.
 * Its schemas accept unknown fields, so a misspelt field is caught by the chart's own assertions,
 * not here.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { KubernetesObject } from './render-chart.ts';

type Model = { validate(): void };
const models: Record<string, new (data: never) => Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

/** The Prometheus Operator's CRD has no kubernetes-models package installed: its required shape, by hand. */
function validateServiceMonitor(object: KubernetesObject): void {
  const spec = object.spec as { selector?: unknown; endpoints?: { port?: string }[] } | undefined;
  if (!spec?.selector || !spec.endpoints?.length || spec.endpoints.some((e) => !e.port)) {
    throw new Error('a ServiceMonitor needs spec.selector and spec.endpoints[].port');
  }
}

/** Throws with the object's kind and name and the schema's complaint for the first invalid object. */
export function validateObjects(objects: KubernetesObject[]): void {
  for (const object of objects) {
    const type = `${object.apiVersion}/${object.kind}`;
    try {
      if (type === 'monitoring.coreos.com/v1/ServiceMonitor') {
        validateServiceMonitor(object);
        continue;
      }
      const model = models[type];
      if (!model)
        throw new Error('no schema for this kind: add its model to charts/test/validate-objects.ts');
      new model(object as never).validate();
    } catch (err) {
      throw new Error(`${type} ${object.metadata?.name}: ${(err as Error).message}`);
    }
  }
}
