import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../../test/jars.ts';
import { expireOverdueCommands } from '../commands.ts';
import { deploymentResult } from './results.ts';

describe.each(databaseKinds)('deployment deadlines on %s', (kind) => {
  let edge: TestEdge;
  beforeAll(async () => {
    edge = await createTestEdge(kind);
  });
  afterAll(() => edge.close());

  it('fails a deployment whose runner never answers, with the deadline as its reason', async () => {
    const t = await edge.tenant('late');
    await registerTestRunner(edge, t);
    const token = t.tokens.developer;
    await edge.request('/api/tenants/late/apps', { method: 'POST', token, json: { name: 'orders' } });
    expect(
      (await uploadJar(edge, '/api/tenants/late/apps/orders/versions', token, minimalJar())).status,
    ).toBe(201);
    const created = await edge.request('/api/tenants/late/apps/orders/deployments', {
      method: 'POST',
      token,
      json: { environment: 'dev' },
    });
    const { id } = (await created.json()) as { id: string };

    edge.clock.advance(3600_000);
    const expired = await expireOverdueCommands(edge.db, edge.clock, (ctx, commandId, reason) =>
      deploymentResult(ctx, { commandId, status: 'failed', error: reason }),
    );
    expect(expired).toBeGreaterThanOrEqual(1);
    const deployment = (await (
      await edge.request(`/api/tenants/late/deployments/${id}`, { token })
    ).json()) as {
      state: string;
      reason: string;
      events: Array<{ state: string }>;
    };
    expect(deployment.state).toBe('FAILED');
    expect(deployment.reason).toMatch(/deadline/);
    expect(deployment.events.map((e) => e.state)).toEqual(['BUILDING', 'FAILED']);
  });
});
