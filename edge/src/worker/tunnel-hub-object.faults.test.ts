import { fixedHeartbeatText, generateSigningKeyJwk, protocolVersion } from '@cameleer/shared';
import type { DurableObjectState, WebSocket as WorkersWebSocket } from '@cloudflare/workers-types';
import { neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createTestEdge, registerTestRunner, type TestEdge } from '../../test/fixtures.ts';
import { databaseUrl, type Relay, startRelay } from '../../test/wrangler-dev.ts';
import { hubOrigin, runnerHeader } from './durable-hub.ts';
import { TunnelHubObject } from './tunnel-hub-object.ts';

/** A hibernatable socket as the runtime keeps it: the attachment is all that outlives the object. */
class FakeSocket {
  readyState = 1;
  readonly sent: Array<{ type: string; seq?: number; commandId?: string }> = [];
  #attachment = '';
  send(text: string) {
    this.sent.push(JSON.parse(text) as { type: string });
  }
  close() {
    this.readyState = 3;
  }
  serializeAttachment(value: unknown) {
    this.#attachment = JSON.stringify(value);
  }
  deserializeAttachment(): unknown {
    return JSON.parse(this.#attachment);
  }
}

/**
 * Hibernation, as far as Node can show it: `wrangler dev` never evicts an object, so each step here
 * runs in a new `TunnelHubObject` given only what the runtime keeps (the socket with its
 * attachment, the storage). Delivery must carry on as if one object had handled everything.
 */
describe('the tunnel hub object after hibernation (a new instance per event)', () => {
  let edge: TestEdge;
  let relay: Relay;
  let env: Record<string, unknown>;
  let runner: { runnerId: string; tenantId: string };
  let adminToken = '';
  const slug = 'sleepy';
  const socket = new FakeSocket();
  const pairs: string[][] = [];
  const waits: Array<Promise<unknown>> = [];
  const storage = new Map<string, unknown>();
  const state = {
    acceptWebSocket: () => {},
    getWebSockets: () => [socket],
    setWebSocketAutoResponse: (pair: { texts: string[] }) => pairs.push(pair.texts),
    getWebSocketAutoResponseTimestamp: () => null,
    waitUntil: (work: Promise<unknown>) => waits.push(work),
    storage: {
      get: async (key: string) => storage.get(key),
      put: async (key: string, value: unknown) => void storage.set(key, structuredClone(value)),
      delete: async (key: string) => storage.delete(key),
      getAlarm: async () => null,
      setAlarm: async () => {},
    },
  } as unknown as DurableObjectState;
  // What the object would be after waking: nothing but the state above.
  const woken = () => new TunnelHubObject(state, env);
  const ws = socket as unknown as WorkersWebSocket;
  const frame = (body: Record<string, unknown>) =>
    JSON.stringify({ v: protocolVersion, id: crypto.randomUUID(), ...body });
  const notify = () =>
    woken().fetch(
      new Request(`${hubOrigin}/notify`, {
        method: 'POST',
        headers: { [runnerHeader]: JSON.stringify({ runnerId: runner.runnerId }) },
        body: '{}',
      }),
    );

  beforeAll(async () => {
    vi.stubGlobal(
      'WebSocketRequestResponsePair',
      class {
        readonly texts: string[];
        constructor(...texts: string[]) {
          this.texts = texts;
        }
      },
    );
    neonConfig.webSocketConstructor = WebSocket;
    edge = await createTestEdge('postgres');
    relay = await startRelay();
    const tenant = await edge.tenant(slug);
    const registered = await registerTestRunner(edge, tenant, 'sleepy');
    runner = { runnerId: registered.runnerId, tenantId: registered.tenantId };
    env = {
      DATABASE_URL: await databaseUrl(edge.database),
      NEON_WS_PROXY: `127.0.0.1:${relay.port}`,
      CAMELEER_PUBLIC_URL: 'http://console.test',
      CAMELEER_SESSION_KEY: JSON.stringify(await generateSigningKeyJwk()),
      CAMELEER_COMMAND_KEYS: JSON.stringify(await generateSigningKeyJwk()),
    };
    // As `/connect` leaves it: the runner on the attachment, nothing about delivery yet.
    socket.serializeAttachment({ runner, acceptedAt: Date.now() });
    adminToken = tenant.tokens.admin;
  }, 30_000);

  afterAll(async () => {
    await Promise.allSettled(waits);
    vi.unstubAllGlobals();
    await relay?.close();
    await edge?.close();
  });

  const send = async (payload: unknown) => {
    const res = await edge.request(`/api/tenants/${slug}/runners/${runner.runnerId}/commands`, {
      method: 'POST',
      token: adminToken,
      json: { kind: 'echo', payload },
    });
    expect(res.status).toBe(202);
    return (await res.json()) as { id: string; seq: number };
  };
  const stateOf = async (id: string) =>
    (
      (await (await edge.request(`/api/tenants/${slug}/commands/${id}`, { token: adminToken })).json()) as {
        state: string;
      }
    ).state;
  const commandsSent = () => socket.sent.filter((f) => f.type === 'command').map((f) => f.seq);

  it('answers the fixed heartbeat without running code, and keeps delivering across instances', async () => {
    expect(woken() && pairs.at(-1)).toEqual([fixedHeartbeatText, fixedHeartbeatText]);

    await woken().webSocketMessage(
      ws,
      frame({
        type: 'hello',
        runnerVersion: 'test',
        capabilities: ['process'],
        transport: 'websocket',
        inventory: [],
      }),
    );
    expect(socket.sent.map((f) => f.type)).toEqual(['welcome']);

    const [one, two] = [await send({ n: 1 }), await send({ n: 2 })];
    await notify();
    // Only a restored "welcomed" state lets a new instance deliver at all.
    expect(commandsSent()).toEqual([one?.seq, two?.seq]);

    await woken().webSocketMessage(ws, frame({ type: 'ack', commandId: one?.id }));
    await woken().webSocketMessage(
      ws,
      frame({ type: 'result', commandId: one?.id, status: 'succeeded', output: { n: 1 } }),
    );
    expect(await stateOf(one?.id ?? '')).toBe('succeeded');
    expect(await stateOf(two?.id ?? '')).toBe('sent');

    // Nothing is sent twice on the same socket; only the new command goes out.
    await notify();
    expect(commandsSent()).toEqual([one?.seq, two?.seq]);
    const three = await send({ n: 3 });
    await notify();
    expect(commandsSent()).toEqual([one?.seq, two?.seq, three.seq]);
  });
});
