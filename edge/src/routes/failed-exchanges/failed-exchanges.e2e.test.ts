import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from '../../../../runner/test/cli-fixture.ts';
import { fetchApp } from '../../../../runner/test/runner-internals.ts';
import { startTestClickHouse, type TestClickHouse } from '../../../test/clickhouse.ts';
import { type DeployStack, startDeployStack } from '../../../test/deploy-fixture.ts';
import { until } from '../../../test/runners.ts';
import { withTenant } from '../../db/client.ts';
import { commands } from '../../db/schema/index.ts';
import { clickhouseTelemetryStore } from '../../telemetry/store.ts';

type Replay = { commandId: string; outcome: string | null; exceptionType: string | null };
type Item = { exchangeId: string; replayOf: string; routeId: string; lastReplay: Replay | null };
type Detail = Item & { body: string; headers: Record<string, string>; redactions: number; replays: Replay[] };

/**
 * The "done when" for failed exchanges, on the process orchestrator: the sample app's failed
 * exchange is stored with its secrets masked in the app, listed through the API and the CLI, replayed
 * from the CLI, and replayed once although its command is delivered twice.
 */
describe('failed exchanges of a deployed app', () => {
  const tenant = 'fx-e2e';
  let clickhouse: TestClickHouse;
  let stack: DeployStack;
  let temp: Awaited<ReturnType<typeof tempConfigDir>>;
  let url = '';
  const cli = (args: string[]) => runCli(args, { CAMELEER_CONFIG: temp.config });

  beforeAll(async () => {
    clickhouse = await startTestClickHouse();
    stack = await startDeployStack({
      tenant,
      orchestrator: 'process',
      app: { name: 'orders' },
      runner: { telemetry: { clickhouse: { url: clickhouse.url } } },
      settleMs: 150_000,
    });
    stack.edge.services.telemetry = clickhouseTelemetryStore(clickhouse.client);
    const set = await stack.api('config/CAMELEER_REDACT_PATTERNS?app=orders', {
      method: 'PUT',
      json: { value: 'ORDER-SECRET-\\d+' },
    });
    expect(set.status).toBe(201);
    const deployed = await stack.settled((await stack.deploy((await stack.upload('1')).label)).id);
    expect(deployed.state).toBe('RUNNING');
    url = deployed.url ?? '';
    temp = await tempConfigDir();
    const login = await cli(['login', '--url', stack.server.url, '--token', stack.t.tokens.developer]);
    expect(login.code, login.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    if (stack) await stack.commandDone((await stack.action('remove', { environment: 'dev' }, 'orders')).id);
    await stack?.close();
    await clickhouse?.close();
    await temp?.remove();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await stack.api(path, { token: stack.t.tokens.viewer });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  const listed = async () =>
    (await get<{ items: Item[] }>('failed-exchanges?app=orders&environment=dev')).items;
  const fail = (query: string, body: string, headers: Record<string, string> = {}) =>
    fetchApp(`${url}/orders?${query}`, { method: 'POST', body, headers });
  let captured: Item | undefined;

  it('stores a failed exchange with its secrets masked in the app, and lists it through the API and CLI', async () => {
    const body = JSON.stringify({
      item: 'book',
      password: 'hunter2',
      card: '4111 1111 1111 1111',
      ref: 'ORDER-SECRET-7',
    });
    const res = await fail('fail=true', body, {
      'content-type': 'application/json',
      'x-api-key': 'key-123456',
    });
    expect(res.status).toBe(500);
    await until(
      async () => {
        captured = (await listed())[0];
        return captured !== undefined;
      },
      60_000,
      'the failed exchange listed',
    );
    const id = captured?.exchangeId ?? '';
    const detail = await get<Detail>(`failed-exchanges/${id}`);
    expect(detail).toMatchObject({ routeId: 'orders', replayOf: '', lastReplay: null, replays: [] });
    expect(JSON.parse(detail.body)).toEqual({
      item: 'book',
      password: '***',
      card: '************1111',
      ref: '***',
    });
    expect(detail.headers['X-api-key']).toBe('***');
    expect(detail.redactions).toBeGreaterThanOrEqual(4);
    const raw = await clickhouse.client.query({
      query:
        "SELECT count() AS n FROM failed_exchanges WHERE Body LIKE '%hunter2%' OR mapValues(Headers) = ['key-123456']",
      format: 'JSONEachRow',
    });
    const [leaks] = await raw.json<{ n: number | string }>();
    expect(Number(leaks?.n)).toBe(0);

    const run = await cli(['failed-exchanges', '--app', 'orders', '--env', 'dev']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^EXCHANGE\s+FAILED\s+APP\s+ENV\s+ROUTE\s+ENDPOINT\s+EXCEPTION\s+REPLAY/);
    expect(run.stdout).toMatch(
      new RegExp(`${id}\\s+.*orders\\s+dev\\s+orders\\s+direct://validate\\s+.*ExchangeFailed`),
    );
    const shown = await cli(['failed-exchange', id]);
    expect(shown.stdout).toContain('"password":"***"');
    expect(shown.stdout).not.toContain('hunter2');
  }, 120_000);

  it('replays an exchange from the CLI, with progress and the outcome', async () => {
    expect((await fail('fail=transient', '{"item":"pen"}')).status).toBe(500);
    let transient: Item | undefined;
    await until(
      async () => {
        transient = (await listed()).find((x) => x.exchangeId !== captured?.exchangeId);
        return transient !== undefined;
      },
      60_000,
      'the transient failure listed',
    );
    const run = await cli(['replay', transient?.exchangeId ?? '']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('asking the agent of orders to replay');
    expect(run.stdout).toMatch(/Replayed .*: completed/);
    const detail = await get<Detail>(`failed-exchanges/${transient?.exchangeId}`);
    expect(detail.lastReplay?.outcome).toBe('completed');
  }, 120_000);

  it('replays once when its command is delivered twice', async () => {
    const id = captured?.exchangeId ?? '';
    expect(
      (await stack.api(`failed-exchanges/${id}/replay`, { method: 'POST', token: stack.t.tokens.viewer }))
        .status,
    ).toBe(403);
    const res = await stack.api(`failed-exchanges/${id}/replay`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { id: commandId } = (await res.json()) as { id: string };
    expect(await stack.commandDone(commandId)).toBe('succeeded');
    await until(
      async () => (await listed()).some((x) => x.replayOf === id),
      60_000,
      'the replay failing again',
    );

    // The edge lost the result (as after a crash before it was stored): the command is open again and
    // is sent again when the runner reconnects.
    const { db } = stack.edge.services;
    await withTenant(db, stack.t.id, (tx) =>
      tx
        .update(commands)
        .set({ state: 'sent', finishedAt: null, output: null })
        .where(eq(commands.id, commandId)),
    );
    await stack.restartRunner();
    expect(await stack.commandDone(commandId)).toBe('succeeded');
    expect(stack.runner.effectCount(commandId)).toBe(0);

    const detail = await get<Detail>(`failed-exchanges/${id}`);
    expect(detail.replays).toHaveLength(1);
    expect(detail.lastReplay).toMatchObject({
      commandId,
      outcome: 'failed',
      exceptionType: expect.stringContaining('ExchangeFailed'),
    });
    expect((await listed()).filter((x) => x.replayOf === id)).toHaveLength(1);

    const audit = await stack.api('audit-log?action=failed-exchange.replay', { token: stack.t.tokens.owner });
    expect(JSON.stringify(await audit.json())).toContain(id);
  }, 180_000);
});
