import type { Attributes } from '../rows.ts';
import { attributes } from './attributes.ts';
import type { KeyValue } from './model.ts';

/** The resource's and instrumentation scope's columns, shared by every row under them. */
export type ResourceColumns = {
  ResourceAttributes: Attributes;
  ServiceName: string;
  ResourceSchemaUrl: string;
};
export type ScopeColumns = {
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  ScopeDroppedAttrCount: number;
  ScopeSchemaUrl: string;
};

/**
 * Resource attributes are data only: a payload's `service.namespace` or `cameleer.deployment.id`
 * is stored as sent and never decides whom the rows belong to.
 */
export function resourceColumns(
  resource: { attributes?: KeyValue[] } | null | undefined,
  schemaUrl: string | undefined,
): ResourceColumns {
  const ResourceAttributes = attributes(resource?.attributes, 'resource');
  return {
    ResourceAttributes,
    ServiceName: ResourceAttributes['service.name'] ?? '',
    ResourceSchemaUrl: schemaUrl ?? '',
  };
}

export function scopeColumns(
  scope:
    | { name?: string; version?: string; attributes?: KeyValue[]; droppedAttributesCount?: number }
    | null
    | undefined,
  schemaUrl: string | undefined,
): ScopeColumns {
  return {
    ScopeName: scope?.name ?? '',
    ScopeVersion: scope?.version ?? '',
    ScopeAttributes: attributes(scope?.attributes, 'instrumentation scope'),
    ScopeDroppedAttrCount: scope?.droppedAttributesCount ?? 0,
    ScopeSchemaUrl: schemaUrl ?? '',
  };
}
