/**
 * The one way the observability queries reach the telemetry store. It binds the caller's tenant
 * as `{tenant:String}` itself and refuses SQL that does not filter on it, so no query can forget
 * the tenant, and no filter (whatever its value) can name another one: values are bound by
 * ClickHouse, never spliced into the text.
 */
import type { TelemetryStore } from '../store.ts';

export const tenantCondition = 'TenantId = {tenant:String}';

export type TenantQuery = <T>(sql: string, params?: Record<string, unknown>) => Promise<T[]>;

export class UnscopedQuery extends Error {
  constructor(reason: string) {
    super(`Refused a telemetry query: ${reason}`);
    this.name = 'UnscopedQuery';
  }
}

/** Every table read in `sql` must be followed by the tenant condition (one per FROM or JOIN). */
export function tenantQuery(store: TelemetryStore, tenantId: string): TenantQuery {
  if (!tenantId) throw new UnscopedQuery('no tenant');
  return async (sql, params = {}) => {
    const reads = sql.match(/\b(FROM|JOIN)\s+[a-z_]/gi)?.length ?? 0;
    const scoped = sql.split(tenantCondition).length - 1;
    if (scoped === 0 || scoped < reads) throw new UnscopedQuery(`every table read needs ${tenantCondition}`);
    if ('tenant' in params) throw new UnscopedQuery('the tenant is bound by tenantQuery, not by the caller');
    const bound = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
    return store.query(sql, { ...bound, tenant: tenantId });
  };
}
