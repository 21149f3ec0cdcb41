import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, type TestEdge } from '../../../test/fixtures.ts';
import { seedTenantResources, type TenantResourceIds } from '../../../test/tenant-resources.ts';

/** The event streams of deployments show a tenant its own deployments only, and nobody without credentials. */
describe.each(databaseKinds)('deployment event streams on %s', (kind) => {
  let edge: TestEdge;
  let a: Awaited<ReturnType<TestEdge['tenant']>>;
  let bIds: TenantResourceIds;

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    a = await edge.tenant('stream-a');
    const b = await edge.tenant('stream-b');
    bIds = await seedTenantResources(edge, b, 'ledger');
  });
  afterAll(() => edge.close());

  const streams = (tenant: string, ids: TenantResourceIds) => [
    `/api/tenants/${tenant}/deployments/${ids.deploymentId}/events`,
    `/api/tenants/${tenant}/apps/${ids.app}/deployments/events`,
  ];

  it("answers 404 when tenant A names tenant B's deployment or app, under either tenant", async () => {
    for (const tenant of ['stream-a', 'stream-b']) {
      for (const path of streams(tenant, bIds)) {
        for (const headers of [{}, { 'last-event-id': '.' }] as Array<Record<string, string>>) {
          const res = await edge.request(path, { token: a.tokens.owner, headers });
          expect(res.status, path).toBe(404);
          expect(res.headers.get('content-type')).toBe('application/problem+json');
        }
      }
    }
    const tenantWide = await edge.request('/api/tenants/stream-b/deployment-events', {
      token: a.tokens.owner,
    });
    expect(tenantWide.status).toBe(404);
  });

  it('answers 401 without credentials, and never opens the stream', async () => {
    for (const path of [...streams('stream-b', bIds), '/api/tenants/stream-b/deployment-events']) {
      const res = await edge.request(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      const forged = await edge.request(path, { token: 'cam_not-a-token-0123456789abcdef' });
      expect(forged.status, path).toBe(401);
    }
  });
});
