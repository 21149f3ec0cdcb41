import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IntakeServerOptions } from './intake-server.ts';
import { registerProxy } from './register-proxy.ts';

type Seen = { method?: string; url?: string; headers: IncomingHttpHeaders; body: string };

/** A stand-in for the edge's register route: records what arrives, answers what it is told. */
async function startEdge(answer: { status: number; body: unknown; delayMs?: number }) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const text = (body: Buffer | string) => body.toString();

describe('register proxy', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('forwards the bootstrap token and body to the edge with the intake URL the agent used', async () => {
    const edge = await startEdge({ status: 201, body: { agentId: 'agt_1', token: 'session' } });
    server = edge.server;
    // What the intake server takes as its register route.
    const forward: NonNullable<IntakeServerOptions['register']> = registerProxy({ edgeUrl: `${edge.url}/` });
    const body = Buffer.from('{"hostname":"orders-1"}');
    const answer = await forward(body, {
      host: 'host.docker.internal:4318',
      authorization: 'Bearer boot',
      'content-type': 'application/json',
      cookie: 'never=forwarded',
    });
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(text(answer.body))).toEqual({ agentId: 'agt_1', token: 'session' });
    expect(edge.seen).toHaveLength(1);
    const [req] = edge.seen;
    expect(req).toMatchObject({
      method: 'POST',
      url: '/api/agent/register',
      body: '{"hostname":"orders-1"}',
    });
    expect(req?.headers).toMatchObject({
      authorization: 'Bearer boot',
      'x-cameleer-intake-url': 'http://host.docker.internal:4318',
    });
    expect(req?.headers.cookie).toBeUndefined();
  });

  it("passes the edge's refusals through and announces a configured intake URL", async () => {
    const problem = { type: 'https://cameleer.dev/problems/conflict', status: 409, detail: 'used' };
    const edge = await startEdge({ status: 409, body: problem });
    server = edge.server;
    const forward = registerProxy({ edgeUrl: edge.url, intakeUrl: 'http://127.0.0.1:4318' });
    const answer = await forward(new Uint8Array(), { authorization: 'Bearer reused' });
    expect(answer.status).toBe(409);
    expect(JSON.parse(text(answer.body))).toEqual(problem);
    expect(edge.seen[0]?.headers['x-cameleer-intake-url']).toBe('http://127.0.0.1:4318');
  });

  it('answers 502 when the edge is unreachable, 504 when it is too slow, 413 for a huge body', async () => {
    const down = await startEdge({ status: 201, body: {} });
    await new Promise<void>((resolve) => down.server.close(() => resolve()));
    const unreachable = await registerProxy({ edgeUrl: down.url })(new Uint8Array(), {});
    expect(unreachable.status).toBe(502);
    expect(unreachable.headers['content-type']).toBe('application/problem+json');

    const slow = await startEdge({ status: 201, body: {}, delayMs: 2_000 });
    server = slow.server;
    const timedOut = await registerProxy({ edgeUrl: slow.url, timeoutMs: 200 })(new Uint8Array(), {});
    expect(timedOut.status).toBe(504);

    const huge = await registerProxy({ edgeUrl: slow.url })(new Uint8Array(64 * 1024), {});
    expect(huge.status).toBe(413);
    expect(slow.seen).toHaveLength(1);
  });
});
