import { readFileSync } from 'node:fs';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, type TestEdge } from '../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../test/jars.ts';
import { seedTenantResources } from '../../test/tenant-resources.ts';
import { withTenant } from '../db/client.ts';
import { commands, deployments, usageEvents } from '../db/schema/index.ts';
import { silentLogger } from '../logger.ts';
import { appHoursSweep, runSweeps, scheduledSweeps, sweepsForCron } from './sweeps.ts';

describe('sweeps on Cron Triggers', () => {
  it('fires each sweep from its own cron, and wrangler.toml declares exactly those', () => {
    expect(sweepsForCron('* * * * *').map((s) => s.name)).toEqual(['command-deadlines']);
    expect(sweepsForCron('*/5 * * * *').map((s) => s.name)).toEqual(['app-hours']);
    const toml = readFileSync(new URL('../../../wrangler.toml', import.meta.url), 'utf8');
    const crons = JSON.parse(/^crons = (\[.*\])$/m.exec(toml)?.[1] ?? '[]') as string[];
    expect(crons.sort()).toEqual(scheduledSweeps.map((s) => s.cron).sort());
  });
});

// Only on a real server: PGlite is one connection, so nothing there runs at once.
describe('scheduled sweeps, two at once on postgres', () => {
  let edge: TestEdge;
  let tenantId: string;
  let late: string;
  let running: string;
  let token: string;
  beforeAll(async () => {
    edge = await createTestEdge('postgres');
    const t = await edge.tenant('swept');
    tenantId = t.id;
    const ids = await seedTenantResources(edge, t, 'late');
    late = ids.deploymentId;
    token = t.tokens.owner;
    await edge.request('/api/tenants/swept/apps', { method: 'POST', token, json: { name: 'metered' } });
    await uploadJar(edge, '/api/tenants/swept/apps/metered/versions', token, minimalJar());
    const created = await edge.request('/api/tenants/swept/apps/metered/deployments', {
      method: 'POST',
      token,
      json: { environment: 'dev' },
    });
    running = ((await created.json()) as { id: string }).id;
    // The metered app made it: RUNNING, its deploy command done, so only `late` is overdue.
    await withTenant(edge.db, tenantId, async (tx) => {
      const [d] = await tx
        .update(deployments)
        .set({ state: 'RUNNING' })
        .where(eq(deployments.id, running))
        .returning();
      if (d?.commandId)
        await tx.update(commands).set({ state: 'succeeded' }).where(eq(commands.id, d.commandId));
    });
  });
  afterAll(() => edge.close());

  it('fails an overdue command once and counts a running hour once', async () => {
    edge.clock.advance(3_600_000);
    const deps = { db: edge.db, clock: edge.clock, log: silentLogger };
    const runs = await Promise.all([runSweeps(deps, scheduledSweeps), runSweeps(deps, scheduledSweeps)]);
    const sum = (name: string) => runs.reduce((n, r) => n + (r[name] ?? 0), 0);
    // The deploy command of `late` and the seeded noop command, each failed by exactly one of the two.
    expect(sum('command-deadlines')).toBe(2);
    expect(sum('app-hours')).toBe(1);

    const lateView = (await (
      await edge.request(`/api/tenants/swept/deployments/${late}`, { token })
    ).json()) as { state: string; events: Array<{ state: string }> };
    expect(lateView.events.map((e) => e.state)).toEqual(['BUILDING', 'FAILED']);
    const hours = await withTenant(edge.db, tenantId, (tx) =>
      tx
        .select()
        .from(usageEvents)
        .where(and(eq(usageEvents.tenantId, tenantId), inArray(usageEvents.code, ['app_hours']))),
    );
    expect(hours.map((h) => h.properties.deployment_id)).toEqual([running]);
    expect(await appHoursSweep.run(deps)).toBe(0);
  });
});
