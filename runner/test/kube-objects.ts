/**
 * Checks objects the Kubernetes orchestrator builds against the Kubernetes OpenAPI schemas
 * (kubernetes-models), in the wire format the client sends: its serializer's names (`from`,
 * `default`), not the TypeScript ones.
 */
import { dumpYaml, type KubernetesObject } from '@kubernetes/client-node';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  ConfigMap,
  LimitRange,
  Namespace,
  PersistentVolumeClaim,
  ResourceQuota,
  Secret,
  Service,
} from 'kubernetes-models/v1';
import { parse } from 'yaml';

const models: Record<string, new (data: never) => { validate(): void }> = {
  Namespace,
  NetworkPolicy,
  ResourceQuota,
  LimitRange,
  Deployment,
  Service,
  Ingress,
  ConfigMap,
  Secret,
  PersistentVolumeClaim,
  Job,
  HorizontalPodAutoscaler,
};

/** The object as the API server receives it. */
export function wireFormat<T extends KubernetesObject>(object: T): Record<string, unknown> {
  return parse(dumpYaml(object)) as Record<string, unknown>;
}

/** Throws with the schema's complaint when the object is not a valid one of its kind. */
export function validateKubernetesObject(object: KubernetesObject): Record<string, unknown> {
  const wire = wireFormat(object);
  const Model = models[String(wire.kind)];
  if (!Model) throw new Error(`no schema for kind ${String(wire.kind)}`);
  new Model(wire as never).validate();
  return wire;
}
