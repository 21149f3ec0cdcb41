import { type DeploymentState, deploymentStates } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, registerTestRunner, type TestEdge } from '../../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../../test/jars.ts';
import { withTenant } from '../../db/client.ts';
import { getDeployment } from './queries.ts';
import { canTransition, DeploymentTransitionRefused, transitionDeployment } from './state-machine.ts';

/** Every edge the deployment state machine allows, written out: any pair not here is refused. */
const allowed: Array<[DeploymentState, DeploymentState, string]> = [
  ['BUILDING', 'STARTING', 'the image is built'],
  ['BUILDING', 'RUNNING', 'a runner that sends no STARTING stage'],
  ['BUILDING', 'FAILED', 'the build failed, or the deadline passed'],
  ['BUILDING', 'STOPPED', 'stopped before it ran'],
  ['STARTING', 'RUNNING', 'healthy'],
  ['STARTING', 'FAILED', 'the health check failed'],
  ['STARTING', 'STOPPED', 'stopped while starting'],
  ['RUNNING', 'RUNNING', 'restarted'],
  ['RUNNING', 'FAILED', 'crashed, or vanished from its runner'],
  ['RUNNING', 'STOPPED', 'stopped, removed, or replaced'],
  ['FAILED', 'RUNNING', 'restarted, or reported running again'],
  ['FAILED', 'STOPPED', 'stopped or removed after it failed'],
  ['STOPPED', 'RUNNING', 'restarted'],
  ['STOPPED', 'STOPPED', 'removed after it was stopped'],
];

const pairs = deploymentStates.flatMap((from) => deploymentStates.map((to) => [from, to] as const));
const isAllowed = (from: DeploymentState, to: DeploymentState) =>
  allowed.some(([f, t]) => f === from && t === to);

describe('the deployment state machine', () => {
  it.each(allowed)('allows %s → %s (%s)', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(pairs.filter(([from, to]) => !isAllowed(from, to)))('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('leads back to BUILDING from nowhere: only a new deployment starts there', () => {
    for (const from of deploymentStates) expect(canTransition(from, 'BUILDING')).toBe(false);
  });
});

describe('transitions of a stored deployment', () => {
  let edge: TestEdge;
  let tenantId: string;
  let deploymentId: string;
  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    const t = await edge.tenant('machine');
    tenantId = t.id;
    await registerTestRunner(edge, t);
    const token = t.tokens.developer;
    await edge.request('/api/tenants/machine/apps', { method: 'POST', token, json: { name: 'orders' } });
    await uploadJar(edge, '/api/tenants/machine/apps/orders/versions', token, minimalJar());
    const res = await edge.request('/api/tenants/machine/apps/orders/deployments', {
      method: 'POST',
      token,
      json: { environment: 'dev' },
    });
    deploymentId = ((await res.json()) as { id: string }).id;
  });
  afterAll(() => edge.close());

  const inTenant = <T>(
    fn: (ctx: { db: TestEdge['db']; tenantId: string; clock: TestEdge['clock'] }) => Promise<T>,
  ) => withTenant(edge.db, tenantId, (db) => fn({ db, tenantId, clock: edge.clock }));
  const read = () =>
    inTenant((ctx) =>
      getDeployment({
        ctx: { ...ctx, actor: { type: 'system', id: 'test', role: 'system' }, requestId: 'req_test' },
        input: { deploymentId },
      }),
    );

  it('persists each allowed transition with its reason, and refuses an illegal one writing nothing', async () => {
    expect((await read()).state).toBe('BUILDING');
    await inTenant((ctx) => transitionDeployment(ctx, { deploymentId, to: 'STARTING', reason: 'built' }));
    await inTenant((ctx) =>
      transitionDeployment(ctx, {
        deploymentId,
        to: 'RUNNING',
        reason: 'healthy',
        url: 'http://127.0.0.1:9',
      }),
    );
    const before = await read();
    expect(before).toMatchObject({ state: 'RUNNING', reason: 'healthy', url: 'http://127.0.0.1:9' });

    const refused = inTenant((ctx) =>
      transitionDeployment(ctx, { deploymentId, to: 'STARTING', reason: 'again' }),
    );
    await expect(refused).rejects.toBeInstanceOf(DeploymentTransitionRefused);
    await expect(refused).rejects.toMatchObject({ code: 'conflict', from: 'RUNNING', to: 'STARTING' });
    expect(await read()).toEqual(before);
    expect(before.events.map((e) => [e.state, e.reason])).toEqual([
      ['BUILDING', expect.stringMatching(/^deploying /)],
      ['STARTING', 'built'],
      ['RUNNING', 'healthy'],
    ]);
  });

  it('skips, without refusing, a transition from a state it was not asked to leave', async () => {
    const skipped = await inTenant((ctx) =>
      transitionDeployment(ctx, {
        deploymentId,
        to: 'FAILED',
        reason: 'late',
        onlyFrom: ['BUILDING', 'STARTING'],
      }),
    );
    expect(skipped).toBeUndefined();
    expect((await read()).state).toBe('RUNNING');
  });
});
