import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, registerTestRunner, type TestEdge } from '../../test/fixtures.ts';
import { withTenant } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import type { AwaitResultOptions, CommandOutcome, TunnelHub } from '../tunnel/hub.ts';
import { ResultWaiters } from '../tunnel/result-waiters.ts';
import { awaitCommandResult, completeCommand, createCommand } from './commands.ts';
import { committing, type TenantContext } from './context.ts';

/** A hub that holds no connections: only results, settled by the test. */
function resultsOnlyHub(): TunnelHub & { results: ResultWaiters } {
  const results = new ResultWaiters();
  return {
    results,
    notify: () => {},
    disconnect: () => {},
    connection: () => undefined,
    awaitResult: (commandId: string, options: AwaitResultOptions) => results.wait(commandId, options),
  };
}

describe('commands', () => {
  let edge: TestEdge;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let runnerId: string;
  beforeAll(async () => {
    edge = await createTestEdge('pglite');
    t = await edge.tenant('cmds');
    runnerId = (await registerTestRunner(edge, t)).runnerId;
  });
  afterAll(() => edge.close());

  const send = (json: unknown) =>
    edge.request(`/api/tenants/cmds/runners/${runnerId}/commands`, {
      method: 'POST',
      token: t.tokens.developer,
      json,
    });
  const stored = async () =>
    (
      (await (
        await edge.request(`/api/tenants/cmds/runners/${runnerId}/commands`, { token: t.tokens.viewer })
      ).json()) as {
        items: unknown[];
      }
    ).items.length;

  it('refuses a payload that does not meet its kind’s contract, and stores nothing', async () => {
    const before = await stored();
    const res = await send({ kind: 'deploy', payload: { image: 'evil' } });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; errors: Array<{ path: string }> };
    expect(problem.detail).toBe('The payload of a deploy command is not valid');
    expect(problem.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['deploymentId', 'ref', 'version']),
    );
    expect(
      (await send({ kind: 'stop', payload: { ref: { tenant: 'cmds', environment: 'dev', app: '../x' } } }))
        .status,
    ).toBe(400);
    expect(await stored()).toBe(before);
    expect(
      (await send({ kind: 'stop', payload: { ref: { tenant: 'cmds', environment: 'dev', app: 'x' } } }))
        .status,
    ).toBe(202);
    expect(await stored()).toBe(before + 1);
  });

  const queue = async () => {
    const res = await send({ kind: 'echo', payload: { hello: 'world' } });
    return { tenantId: t.id, id: ((await res.json()) as { id: string }).id };
  };
  const finish = (outcome: CommandOutcome) =>
    withTenant(edge.db, t.id, (db) =>
      completeCommand({ db, tenantId: t.id, clock: edge.clock }, runnerId, outcome),
    );

  it('hears a result from the hub the moment it is recorded, without waiting out the timeout', async () => {
    const hub = resultsOnlyHub();
    const command = await queue();
    const started = Date.now();
    const waiting = awaitCommandResult({ db: edge.db, tunnel: hub }, command, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const outcome: CommandOutcome = {
      commandId: command.id,
      status: 'succeeded',
      output: { hello: 'world' },
    };
    await finish(outcome);
    hub.results.settle(outcome);
    expect(await waiting).toEqual(outcome);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reads a result that was recorded before the wait began from the database', async () => {
    const hub = resultsOnlyHub();
    const command = await queue();
    await finish({ commandId: command.id, status: 'failed', error: 'no such app' });
    const started = Date.now();
    expect(await awaitCommandResult({ db: edge.db, tunnel: hub }, command, 30_000)).toEqual({
      commandId: command.id,
      status: 'failed',
      error: 'no such app',
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hub.results.size).toBe(0);
  });

  it('answers nothing when no result comes in time', async () => {
    const command = await queue();
    expect(await awaitCommandResult({ db: edge.db, tunnel: resultsOnlyHub() }, command, 50)).toBeUndefined();
  });

  it('tells the tunnel of a new command once its transaction committed, and not when it rolled back', async () => {
    const notified: string[] = [];
    const tunnel = { ...resultsOnlyHub(), notify: (id: string) => notified.push(id) };
    const store = (fail: boolean) =>
      committing(
        (run) => withTenant(edge.db, t.id, run),
        async (db, afterCommit) => {
          const ctx: TenantContext = {
            db,
            tenantId: t.id,
            clock: edge.clock,
            actor: { type: 'system', id: 'test', role: 'system' },
            requestId: 'req_test',
            afterCommit,
          };
          const row = await createCommand({
            ctx,
            services: { tunnel },
            input: { runnerId, kind: 'noop', payload: {} },
          });
          expect(notified).toEqual([]);
          ids.push(row.id);
          if (fail) throw new Error('rolled back');
        },
      );
    const ids: string[] = [];
    await expect(store(true)).rejects.toThrow('rolled back');
    expect(notified).toEqual([]);
    await store(false);
    expect(notified).toEqual([runnerId]);
    // The audit entry is written by the command's insert: it commits or rolls back with the command.
    const [rolledBack, committed] = ids;
    const audited = await withTenant(edge.db, t.id, (db) =>
      db.select().from(auditLog).where(inArray(auditLog.targetId, ids)),
    );
    expect(audited.map((a) => a.targetId)).toEqual([committed]);
    expect(rolledBack).toBeDefined();
  });

  it('audits a created command with its actor, request and seq', async () => {
    const res = await send({ kind: 'noop', payload: {} });
    expect(res.status).toBe(202);
    const { id, seq } = (await res.json()) as { id: string; seq: number };
    const [entry] = await withTenant(edge.db, t.id, (db) =>
      db.select().from(auditLog).where(eq(auditLog.targetId, id)),
    );
    expect(entry).toMatchObject({
      tenantId: t.id,
      actorType: 'api-token',
      action: 'command.create',
      targetType: 'command',
      outcome: 'success',
      status: 202,
      detail: { runnerId, kind: 'noop', seq },
    });
    expect(entry?.id).toMatch(/^aud_/);
    expect(entry?.requestId).toMatch(/^req_/);
    expect(entry?.at).toBeInstanceOf(Date);
  });
});
