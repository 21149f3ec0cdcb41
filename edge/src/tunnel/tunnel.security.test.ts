import {
  type EdgeFrame,
  generateSigningKeyJwk,
  importSigningKey,
  newId,
  protocolVersion,
  type SigningKey,
  signProductToken,
} from '@cameleer/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createTestEdge,
  databaseKinds,
  listenTestEdge,
  registerTestRunner,
  type TestEdge,
  tableCounts,
} from '../../test/fixtures.ts';

type Registered = Awaited<ReturnType<typeof registerTestRunner>>;

/** A hand-rolled peer: the attacker's (or a correct runner's) side of the socket, frame by frame. */
class Peer {
  readonly frames: EdgeFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  #waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as EdgeFrame);
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.#waiters.splice(0)) w();
    });
  }
  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  async next<T extends EdgeFrame['type']>(
    type: T,
    timeoutMs = 5000,
  ): Promise<Extract<EdgeFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<EdgeFrame, { type: T }>;
      if (this.closed)
        throw new Error(`closed (${this.closed.code} ${this.closed.reason}) before a ${type} frame`);
      if (Date.now() > deadline) throw new Error(`no ${type} frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
  async waitClosed(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }
}

function credential(
  runner: { runnerId: string; tenantId: string; key: SigningKey },
  opts: { jti?: string; now?: Date; ttl?: number } = {},
) {
  return signProductToken(
    'runner',
    runner.key,
    { sub: runner.runnerId, tid: runner.tenantId, jti: opts.jti ?? newId('req') },
    { now: opts.now ?? new Date(), ttlSeconds: opts.ttl ?? 60 },
  );
}

/** Opens the tunnel; resolves with the peer, or with the HTTP status and problem body of a refused upgrade. */
function connect(wsUrl: string, token: string | undefined) {
  return new Promise<{ peer?: Peer; status?: number; problem?: { type: string; detail: string } }>(
    (resolve) => {
      const ws = new WebSocket(wsUrl, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      ws.once('open', () => resolve({ peer: new Peer(ws) }));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, problem: JSON.parse(body) }));
      });
      ws.once('error', () => undefined);
    },
  );
}

const hello = {
  v: protocolVersion,
  id: 'h1',
  type: 'hello',
  runnerVersion: 'test',
  capabilities: ['process'],
  transport: 'websocket',
  inventory: [],
};

describe.each(databaseKinds)('runner tunnel refusals on %s', (kind) => {
  let edge: TestEdge;
  let server: Awaited<ReturnType<typeof listenTestEdge>>;
  let t: Awaited<ReturnType<TestEdge['tenant']>>;
  let runner: Registered;

  beforeAll(async () => {
    edge = await createTestEdge(kind);
    server = await listenTestEdge(edge);
    t = await edge.tenant('tunnel');
    runner = await registerTestRunner(edge, t);
  });
  afterAll(async () => {
    await server.close();
    await edge.close();
  });

  it('connects a runner with a fresh credential, delivers a signed command and stores its result', async () => {
    const { peer } = await connect(server.wsUrl, await credential(runner));
    if (!peer) throw new Error('refused');
    peer.send(hello);
    const welcome = await peer.next('welcome');
    expect(welcome).toMatchObject({ runnerId: runner.runnerId, tenantId: runner.tenantId });
    const created = await edge.request(`/api/tenants/tunnel/runners/${runner.runnerId}/commands`, {
      method: 'POST',
      token: t.tokens.developer,
      json: { kind: 'echo', payload: { say: 'hi' } },
    });
    const { id } = (await created.json()) as { id: string };
    const command = await peer.next('command', 1000);
    expect(command.commandId).toBe(id);
    peer.send({ v: 1, id: 'a1', type: 'ack', commandId: id });
    peer.send({ v: 1, id: 'p1', type: 'progress', commandId: id, message: 'saying hi' });
    peer.send({ v: 1, id: 'r1', type: 'result', commandId: id, status: 'succeeded', output: { said: 'hi' } });
    await new Promise((r) => setTimeout(r, 200));
    const detail = (await (
      await edge.request(`/api/tenants/tunnel/commands/${id}`, { token: t.tokens.viewer })
    ).json()) as {
      state: string;
      output: unknown;
      events: Array<{ message: string }>;
    };
    expect(detail).toMatchObject({
      state: 'succeeded',
      output: { said: 'hi' },
      events: [{ message: 'saying hi' }],
    });
    const list = (await (
      await edge.request('/api/tenants/tunnel/runners', { token: t.tokens.viewer })
    ).json()) as {
      items: Array<{ id: string; status: string; transport: string }>;
    };
    expect(list.items.find((r) => r.id === runner.runnerId)).toMatchObject({
      status: 'online',
      transport: 'websocket',
    });
    peer.ws.close();
  });

  it('refuses forged, expired, replayed, foreign and missing credentials before any socket opens', async () => {
    const forger = await importSigningKey(await generateSigningKeyJwk());
    const forged = await credential({ ...runner, key: { ...forger, kid: runner.runnerId } });
    const expired = await credential(runner, { now: new Date(Date.now() - 3600_000) });
    const replayed = await credential(runner);
    const sessionKind = await signProductToken(
      'session',
      runner.key,
      { sub: runner.runnerId, tid: runner.tenantId, jti: 'x' },
      { now: new Date(), ttlSeconds: 60 },
    );
    const unknownRunner = await credential({ ...runner, runnerId: 'rnr_unknown' });
    const first = await connect(server.wsUrl, replayed);
    first.peer?.ws.close();
    const before = await tableCounts(edge.db, t.id);
    for (const [what, token] of [
      ['forged', forged],
      ['expired', expired],
      ['replayed', replayed],
      ['another kind', sessionKind],
      ['unknown runner', unknownRunner],
      ['garbage', 'not-a-jwt'],
      ['missing', undefined],
    ] as const) {
      const outcome = await connect(server.wsUrl, token);
      expect(outcome.peer, what).toBeUndefined();
      expect(outcome.status, what).toBe(401);
      expect(outcome.problem?.type, what).toMatch(/unauthenticated$/);
    }
    expect(await tableCounts(edge.db, t.id)).toEqual(before);
  });

  it('refuses a revoked runner, and revoking drops its live connection at once', async () => {
    const doomed = await registerTestRunner(edge, t, 'doomed');
    const { peer } = await connect(server.wsUrl, await credential(doomed));
    if (!peer) throw new Error('refused');
    peer.send(hello);
    await peer.next('welcome');
    const res = await edge.request(`/api/tenants/tunnel/runners/${doomed.runnerId}`, {
      method: 'DELETE',
      token: t.tokens.admin,
    });
    expect(res.status).toBe(204);
    const error = await peer.next('error');
    expect(error.code).toBe('revoked');
    expect((await peer.waitClosed())?.code).toBe(4003);
    const again = await connect(server.wsUrl, await credential(doomed));
    expect(again.status).toBe(403);
    expect(again.problem?.type).toMatch(/runner-revoked$/);
  });

  it('refuses a reused or unknown registration token, writing nothing', async () => {
    const before = await tableCounts(edge.db, t.id);
    const jwk = await generateSigningKeyJwk();
    for (const token of [runner.registrationToken, 'cmr_reg_never-issued-token-000000000000']) {
      const res = await edge.request('/api/runners/register', {
        method: 'POST',
        json: { token, name: 'again', publicKey: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(await tableCounts(edge.db, t.id)).toEqual(before);
  });

  it('answers malformed frames and other protocol versions with an error frame, and keeps serving', async () => {
    const { peer } = await connect(server.wsUrl, await credential(runner));
    if (!peer) throw new Error('refused');
    const before = await tableCounts(edge.db, t.id);
    peer.send('{not json');
    expect((await peer.next('error')).code).toBe('invalid-frame');
    peer.send({ v: 2, id: 'x', type: 'hello' });
    const version = await peer.next('error');
    expect(version).toMatchObject({ code: 'unsupported-version', supported: [1] });
    peer.send({ v: 1, id: 'x', type: 'result', commandId: 'cmd_x', status: 'exploded' });
    expect((await peer.next('error')).code).toBe('invalid-frame');
    peer.send({
      v: 1,
      id: 'x',
      type: 'hello',
      runnerVersion: 'x',
      capabilities: [],
      transport: 'websocket',
      inventory: [],
      admin: true,
    });
    expect((await peer.next('error')).code).toBe('invalid-frame');
    expect(await tableCounts(edge.db, t.id)).toEqual(before);
    peer.send(hello);
    await peer.next('welcome');
    peer.send('x'.repeat(1024 * 1024 + 10));
    expect((await peer.waitClosed())?.code).toBe(1009);
    const after = await connect(server.wsUrl, await credential(runner));
    expect(after.peer).toBeDefined();
    after.peer?.ws.close();
  });

  it('carries the same protocol over long-poll', async () => {
    const poll = async (frames: unknown[], wait: number) => {
      const res = await fetch(`${server.url}/tunnel/poll?wait=${wait}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await credential(runner)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ frames }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { frames: EdgeFrame[] }).frames;
    };
    const first = await poll([{ ...hello, transport: 'long-poll' }], 0);
    expect(first.map((f) => f.type)).toContain('welcome');
    const pending = poll([], 10);
    await new Promise((r) => setTimeout(r, 100));
    const created = await edge.request(`/api/tenants/tunnel/runners/${runner.runnerId}/commands`, {
      method: 'POST',
      token: t.tokens.developer,
      json: { kind: 'noop' },
    });
    const { id } = (await created.json()) as { id: string };
    const started = Date.now();
    const delivered = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(
      delivered.filter((f) => f.type === 'command').map((f) => (f as { commandId: string }).commandId),
    ).toContain(id);
    await poll([{ v: 1, id: 'r', type: 'result', commandId: id, status: 'succeeded' }], 0);
    const detail = (await (
      await edge.request(`/api/tenants/tunnel/commands/${id}`, { token: t.tokens.viewer })
    ).json()) as { state: string };
    expect(detail.state).toBe('succeeded');
    const refused = await fetch(`${server.url}/tunnel/poll`, { method: 'POST', body: '{"frames":[]}' });
    expect(refused.status).toBe(401);
  });

  it('drops a peer that goes silent within two heartbeat intervals', async () => {
    const quiet = await createTestEdge(kind, { settings: { heartbeatIntervalMs: 1000 } });
    const quietServer = await listenTestEdge(quiet);
    try {
      const q = await quiet.tenant('quiet');
      const silent = await registerTestRunner(quiet, q);
      const { peer } = await connect(quietServer.wsUrl, await credential(silent));
      if (!peer) throw new Error('refused');
      peer.send(hello);
      await peer.next('welcome');
      const silentSince = Date.now();
      // The peer never answers again: no heartbeat, no frame.
      const closed = await peer.waitClosed(5000);
      expect(closed?.code).toBe(4008);
      // Two intervals plus the check granularity (a quarter interval); a busy two-core machine adds
      // scheduling slack, but it is dropped well before a third interval would have passed.
      expect(Date.now() - silentSince).toBeLessThan(3 * 1000);
      expect(quietServer.hub.connection(silent.runnerId)).toBeUndefined();
    } finally {
      await quietServer.close();
      await quiet.close();
    }
  });
});
