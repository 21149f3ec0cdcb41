import type { SignedCommand } from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEdge, listenTestEdge, type TestEdge } from '../../test/fixtures.ts';
import { startForwardProxy, startUpgradeBlockingProxy } from '../../test/http-proxies.ts';
import { startRealRunner, until } from '../../test/runners.ts';

type Command = { id: string; seq: number; state: string };

describe('the tunnel on hostile networks', () => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    edge = await createTestEdge('pglite', { settings: { heartbeatIntervalMs: 1000 } });
    server = await listenTestEdge(edge);
    t = await edge.tenant('corp');
  });
  afterAll(async () => {
    process.env = saved;
    await server.close();
    await edge.close();
  });

  const send = async (runnerId: string) => {
    const res = await edge.request(`/api/tenants/corp/runners/${runnerId}/commands`, {
      method: 'POST',
      token: t.tokens.developer,
      json: { kind: 'echo', payload: {} },
    });
    return (await res.json()) as Command;
  };
  const allSucceeded = async (ids: string[]) => {
    const states = await Promise.all(
      ids.map(
        async (id) =>
          (
            (await (
              await edge.request(`/api/tenants/corp/commands/${id}`, { token: t.tokens.viewer })
            ).json()) as Command
          ).state,
      ),
    );
    return states.every((s) => s === 'succeeded');
  };

  it('falls back to HTTPS long-poll when a proxy refuses WebSocket upgrades, with the same delivery', async () => {
    const proxy = await startUpgradeBlockingProxy(server.url);
    const executed: number[] = [];
    const { runner, runnerId } = await startRealRunner(proxy.url, t.tokens.admin, 'corp', {
      name: 'behind-proxy',
      handlers: {
        echo: ({ command }: { command: SignedCommand }) => {
          executed.push(command.seq);
          return {};
        },
      },
    });
    const connected = await runner.connected(15_000);
    expect(connected.transport).toBe('long-poll');
    expect(proxy.refusedUpgrades()).toBeGreaterThanOrEqual(2);

    const view = (await (
      await edge.request(`/api/tenants/corp/runners/${runnerId}`, { token: t.tokens.viewer })
    ).json()) as {
      status: string;
      transport: string;
    };
    expect(view).toMatchObject({ status: 'online', transport: 'long-poll' });

    const sent: Command[] = [];
    for (let i = 0; i < 10; i++) sent.push(await send(runnerId));
    await until(() => allSucceeded(sent.map((c) => c.id)), 15_000, 'long-poll delivery');
    expect(executed).toEqual(sent.map((c) => c.seq));
    await runner.stop();
    await proxy.close();
  });

  it('goes through the proxy named by HTTP_PROXY, and around it for NO_PROXY hosts', async () => {
    const proxy = await startForwardProxy();
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = '';
    const viaProxy = await startRealRunner(server.url, t.tokens.admin, 'corp', { name: 'proxied' });
    await viaProxy.runner.connected(10_000);
    const used = proxy.seen.upgrades + proxy.seen.connects + proxy.seen.requests;
    expect(used).toBeGreaterThan(0);
    const first = await send(viaProxy.runnerId);
    await until(() => allSucceeded([first.id]), 10_000, 'delivery through the proxy');
    await viaProxy.runner.stop();

    process.env.NO_PROXY = '127.0.0.1';
    const before = proxy.seen.upgrades + proxy.seen.connects + proxy.seen.requests;
    const direct = await startRealRunner(server.url, t.tokens.admin, 'corp', { name: 'direct' });
    await direct.runner.connected(10_000);
    expect(proxy.seen.upgrades + proxy.seen.connects + proxy.seen.requests).toBe(before);
    await direct.runner.stop();
    await proxy.close();
  });
});
