import type { DeploymentState } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, databaseKinds, registerTestRunner, type TestEdge } from '../../../test/fixtures.ts';
import { minimalJar, uploadJar } from '../../../test/jars.ts';
import { readEvents, type SseEvent } from '../../../test/sse.ts';
import { withTenant } from '../../db/client.ts';
import { addProgress } from '../../services/commands.ts';
import { transitionDeployment } from '../../services/deployments/state-machine.ts';

type Tenant = Awaited<ReturnType<TestEdge['tenant']>>;
type Started = { id: string; commandId: string; runnerId: string };

/** A deployment's timeline and build output as server-sent events, driven as its runner would. */
describe.each(databaseKinds)('deployment event streams on %s', (kind) => {
  let edge: TestEdge;
  let t: Tenant;
  let runnerId: string;

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    t = await edge.tenant('live');
    runnerId = (await registerTestRunner(edge, t)).runnerId;
    const token = t.tokens.developer;
    await edge.request('/api/tenants/live/apps', { method: 'POST', token, json: { name: 'orders' } });
    await uploadJar(edge, '/api/tenants/live/apps/orders/versions', token, minimalJar());
  });
  afterAll(() => edge.close());

  const deploy = async (): Promise<Started> => {
    const res = await edge.request('/api/tenants/live/apps/orders/deployments', {
      method: 'POST',
      token: t.tokens.developer,
      json: { environment: 'dev' },
    });
    expect(res.status).toBe(202);
    return { ...((await res.json()) as { id: string; commandId: string }), runnerId };
  };
  const inTenant = <T>(
    fn: (ctx: { db: TestEdge['db']; tenantId: string; clock: TestEdge['clock'] }) => Promise<T>,
  ) => {
    // Steps a millisecond apart at least, so that their order in time is the order they happened in.
    edge.clock.advance(5);
    return withTenant(edge.db, t.id, (db) => fn({ db, tenantId: t.id, clock: edge.clock }));
  };
  const progress = (d: Started, message: string) =>
    inTenant((ctx) => addProgress(ctx, d.runnerId, d.commandId, message));
  const move = (d: Started, to: DeploymentState, reason: string) =>
    inTenant((ctx) => transitionDeployment(ctx, { deploymentId: d.id, to, reason }));
  /** What a runner reports while it builds and starts the app, then its result. */
  const runToRunning = async (d: Started) => {
    await progress(d, 'stage:BUILDING');
    await progress(d, 'Step 1/3 : FROM eclipse-temurin:21-jre');
    await progress(d, 'Step 2/3 : COPY app.jar /app/app.jar\nStep 3/3 : ENTRYPOINT ["java"]');
    await progress(d, 'stage:STARTING');
    await move(d, 'STARTING', 'starting the new instance');
    await progress(d, 'container 0123456789ab started');
    await move(d, 'RUNNING', 'healthy and serving');
  };
  const follow = (d: Started, headers: Record<string, string> = {}, query = '') =>
    edge.request(`/api/tenants/live/deployments/${d.id}/events${query}`, { token: t.tokens.viewer, headers });
  const untilEnd = (events: SseEvent[]) => events.some((e) => e.event === 'end');
  const shape = (events: SseEvent[]) =>
    events
      .filter((e) => e.event !== 'open')
      .map((e) => {
        const data = JSON.parse(e.data) as { state?: string; lines?: string[] };
        return `${e.event}:${e.event === 'progress' ? data.lines?.join('|') : data.state}`;
      });
  const expected = [
    'state:BUILDING',
    'progress:Step 1/3 : FROM eclipse-temurin:21-jre',
    'progress:Step 2/3 : COPY app.jar /app/app.jar|Step 3/3 : ENTRYPOINT ["java"]',
    'state:STARTING',
    'progress:container 0123456789ab started',
    'state:RUNNING',
    'end:RUNNING',
  ];

  it('sends the timeline and the build output in order, each with an id, then ends once settled', async () => {
    const d = await deploy();
    await runToRunning(d);
    const res = await follow(d);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(res, untilEnd);
    expect(shape(events)).toEqual(expected);
    const ids = events.filter((e) => e.event !== 'open').map((e) => e.id);
    for (const id of ids) expect(id).toMatch(/^(dpe_\w{26})?\.(cev_\w{26})?$/);
    expect(new Set(ids.slice(0, -1)).size).toBe(ids.length - 1);
    const running = events.find((e) => e.event === 'state' && e.data.includes('RUNNING'));
    expect(JSON.parse(running?.data ?? '{}')).toMatchObject({
      reason: 'healthy and serving',
      at: expect.any(String),
    });
  });

  it('streams live while the deployment moves, and sends no end before it settles', async () => {
    const d = await deploy();
    const res = await follow(d);
    const reading = readEvents(res, untilEnd);
    await new Promise((r) => setTimeout(r, 700));
    await runToRunning(d);
    expect(shape(await reading)).toEqual(expected);
  });

  it('resumes after any event with Last-Event-ID (or after=), skipping nothing and repeating nothing', async () => {
    const d = await deploy();
    await runToRunning(d);
    const all = (await readEvents(await follow(d), untilEnd)).filter((e) => e.event !== 'open');
    for (const [i, cut] of all.slice(0, -1).entries()) {
      const rest = await readEvents(await follow(d, { 'last-event-id': cut.id ?? '' }), untilEnd);
      expect(shape(rest), `after event ${i}`).toEqual(expected.slice(i + 1));
    }
    const viaQuery = await readEvents(
      await follow(d, {}, `?after=${encodeURIComponent(all[2]?.id ?? '')}`),
      untilEnd,
    );
    expect(shape(viaQuery)).toEqual(expected.slice(3));
    // After the end itself: only the end again, so a client that missed it learns it settled.
    const afterEnd = await readEvents(await follow(d, { 'last-event-id': all.at(-1)?.id ?? '' }), untilEnd);
    expect(shape(afterEnd)).toEqual(['end:RUNNING']);
  });

  it('stays open on a reconnect while the deployment is still in progress, and goes on from there', async () => {
    const d = await deploy();
    await progress(d, 'Step 1/3 : FROM eclipse-temurin:21-jre');
    const first = await readEvents(await follow(d), (e) => e.some((x) => x.event === 'progress'));
    const last = first.at(-1)?.id ?? '';
    const res = await follow(d, { 'last-event-id': last });
    const reading = readEvents(res, untilEnd);
    await new Promise((r) => setTimeout(r, 700));
    await move(d, 'FAILED', 'health check failed: cannot start\nlast log lines');
    const rest = await reading;
    expect(shape(rest)).toEqual(['state:FAILED', 'end:FAILED']);
    expect(JSON.parse(rest.at(-1)?.data ?? '{}')).toEqual({
      state: 'FAILED',
      reason: 'health check failed: cannot start\nlast log lines',
    });
  });

  it('ignores a malformed Last-Event-ID and starts from the beginning', async () => {
    const d = await deploy();
    await move(d, 'STOPPED', 'stopped');
    const events = await readEvents(await follow(d, { 'last-event-id': "x' or 1=1" }), untilEnd);
    expect(shape(events)).toEqual(['state:BUILDING', 'state:STOPPED', 'end:STOPPED']);
  });

  it('answers 404 for a deployment that is not there', async () => {
    const res = await follow({ id: 'dep_01jd00000000000000000000', commandId: '', runnerId });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  describe('changes of many deployments', () => {
    const changes = (path: string, headers: Record<string, string> = {}) =>
      edge.request(`/api/tenants/live/${path}`, { token: t.tokens.viewer, headers });
    const states = (events: SseEvent[]) =>
      events
        .filter((e) => e.event === 'deployment')
        .map((e) => {
          const d = JSON.parse(e.data) as { id: string; state: string };
          return `${d.id}:${d.state}`;
        });

    it('sends each change of an app’s deployments as it happens, with the deployment as it is now', async () => {
      const res = await changes('apps/orders/deployments/events');
      expect(res.status).toBe(200);
      const reading = readEvents(res, (e) => states(e).length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      const d = await deploy();
      await new Promise((r) => setTimeout(r, 1_500));
      await move(d, 'FAILED', 'crashed');
      const events = await reading;
      expect(events[0]?.event).toBe('open');
      expect(states(events)).toEqual([`${d.id}:BUILDING`, `${d.id}:FAILED`]);
    });

    it('resumes after the last change it sent, and with since= sends what changed after a list was read', async () => {
      const since = edge.clock.now().toISOString();
      const d = await deploy();
      await move(d, 'STARTING', 'starting');
      const seen = await readEvents(
        await changes(`deployment-events?since=${encodeURIComponent(since)}`),
        (e) => states(e).includes(`${d.id}:STARTING`),
      );
      expect(states(seen)).toEqual([`${d.id}:STARTING`]);
      await move(d, 'RUNNING', 'healthy');
      const resumed = await readEvents(
        await changes('deployment-events', { 'last-event-id': seen.at(-1)?.id ?? '' }),
        (e) => states(e).length >= 1,
      );
      expect(states(resumed)).toEqual([`${d.id}:RUNNING`]);
    });

    it('answers 404 for an app that is not there', async () => {
      expect((await changes('apps/nope/deployments/events')).status).toBe(404);
    });
  });
});
