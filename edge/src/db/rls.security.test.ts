import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../test/fixtures.ts';
import { withTenant } from './client.ts';
import { apps } from './schema/index.ts';

type Row = Record<string, unknown>;
const rowsOf = (res: unknown) => (res as { rows: Row[] }).rows;

describe.each(databaseKinds)('row-level security on %s', (kind) => {
  let edge: TestEdge;
  let a: Awaited<ReturnType<TestEdge['tenant']>>;
  let b: Awaited<ReturnType<TestEdge['tenant']>>;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
    a = await edge.tenant('rls-a');
    b = await edge.tenant('rls-b');
    await edge.request('/api/tenants/rls-a/apps', {
      method: 'POST',
      token: a.tokens.owner,
      json: { name: 'secret-app' },
    });
  });
  afterAll(() => edge.close());

  it('guards every table with a tenant_id column: RLS enabled, forced, and a tenant policy', async () => {
    const tables = rowsOf(
      await edge.db.execute(sql`
        select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
          exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
                  and p.policyname = 'tenant_isolation'
                  and p.qual like '%app.tenant_id%' and p.with_check like '%app.tenant_id%') as has_policy
        from information_schema.columns col
        join pg_class c on c.relname = col.table_name
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = col.table_schema
        where col.table_schema = 'public' and col.column_name = 'tenant_id' and c.relkind = 'r'
        order by 1`),
    );
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['api_tokens', 'apps', 'audit_log', 'environments', 'members']),
    );
    const unguarded = tables.filter((t) => !(t.enabled && t.forced && t.has_policy)).map((t) => t.table);
    expect(unguarded, 'tables with tenant_id but without forced RLS and the tenant_isolation policy').toEqual(
      [],
    );
  });

  it('connects as a role that is neither superuser, nor bypasses RLS, nor owns the tables', async () => {
    const [role] = rowsOf(
      await edge.db.execute(sql`
        select current_user as name, r.rolsuper, r.rolbypassrls,
          (select count(*)::int from pg_tables t where t.schemaname = 'public' and t.tableowner = current_user) as owned
        from pg_roles r where r.rolname = current_user`),
    );
    expect(role).toMatchObject({ name: 'cameleer_app', rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('hides and blocks rows of other tenants even when a query forgets to filter', async () => {
    const unfiltered = await withTenant(edge.db, b.id, (tx) => tx.select().from(apps));
    expect(unfiltered).toEqual([]);
    const own = await withTenant(edge.db, a.id, (tx) => tx.select().from(apps));
    expect(own.map((r) => r.name)).toEqual(['secret-app']);
    const noTenant = rowsOf(await edge.db.execute(sql`select count(*)::int as n from apps`));
    expect(noTenant[0]?.n).toBe(0);

    await expect(
      withTenant(edge.db, b.id, (tx) => tx.insert(apps).values({ tenantId: a.id, name: 'planted' })),
    ).rejects.toThrow();
    const updated = await withTenant(edge.db, b.id, (tx) =>
      tx.update(apps).set({ description: 'defaced' }).returning(),
    );
    expect(updated).toEqual([]);
  });

  it('keeps the audit log append-only for the application', async () => {
    const err: unknown = await withTenant(edge.db, a.id, (tx) =>
      tx.execute(sql`delete from audit_log`),
    ).catch((e) => e);
    expect(String((err as { cause?: Error }).cause?.message)).toMatch(/permission denied/);
  });
});
