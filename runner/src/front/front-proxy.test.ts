import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test as base, describe, expect } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { fetchApp } from './app-fetch.ts';
import { FrontProxy } from './front-proxy.ts';

const orders = { tenant: 'default', environment: 'dev', app: 'orders' };
const billing = { tenant: 'default', environment: 'dev', app: 'billing' };

type Backend = { url: string; server: Server; hits: () => number; close: () => Promise<void> };

async function backend(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Backend> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** With a Host header of our choosing (fetch does not let one set it). */
async function getWithHost(
  port: number,
  host: string,
): Promise<{ status: number; type?: string; body: string }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    request({ host: '127.0.0.1', port, path: '/', headers: { host } }, resolve).on('error', reject).end(),
  );
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode ?? 0, type: res.headers['content-type'], body };
}

const saying = (text: string) => backend((_req, res) => res.end(text));

const test = base.extend<{ front: FrontProxy; backends: (b: Backend) => Backend }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  front: async ({}, use) => {
    const front = new FrontProxy({ host: '127.0.0.1', port: 0, domain: 'localhost' });
    await front.listen();
    await use(front);
    await front.close();
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest fixtures take their dependencies destructured
  backends: async ({}, use) => {
    const started: Backend[] = [];
    await use((b) => {
      started.push(b);
      return b;
    });
    for (const b of started) {
      b.server.closeAllConnections();
      await b.close();
    }
  },
});

describe('the front', () => {
  test('routes by Host to the app and gives it a URL under *.localhost', async ({ front, backends }) => {
    const a = backends(
      await backend((req, res) => res.end(JSON.stringify({ url: req.url, headers: req.headers }))),
    );
    const b = backends(await saying('billing'));
    front.route(orders, a.url);
    front.route(billing, b.url);

    expect(front.urlFor(orders)).toBe(`http://orders.dev.default.localhost:${front.port}`);
    const res = await fetchApp(`${front.urlFor(orders)}/hello?x=1`);
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe('/hello?x=1');
    expect(seen.headers).toMatchObject({
      host: `orders.dev.default.localhost:${front.port}`,
      'x-forwarded-host': `orders.dev.default.localhost:${front.port}`,
      'x-forwarded-proto': 'http',
      'x-forwarded-port': String(front.port),
      'x-forwarded-for': '127.0.0.1',
    });
    expect(await (await fetchApp(`${front.urlFor(billing)}/`)).text()).toBe('billing');
    expect(await (await fetchApp(`http://BILLING.dev.default.localhost.:${front.port}/`)).text()).toBe(
      'billing',
    );
  });

  test('answers 404 problem+json for hosts that name no app', async ({ front, backends }) => {
    front.route(orders, backends(await saying('orders')).url);
    expect((await getWithHost(front.port, `orders.dev.default.localhost:${front.port}`)).body).toBe('orders');
    for (const host of [
      'nothing.dev.default.localhost',
      'localhost',
      'orders.dev.localhost',
      'orders.dev.default.example.com',
    ]) {
      const res = await getWithHost(front.port, host);
      expect(res.status, host).toBe(404);
      expect(res.type).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 404, title: 'Unknown app' });
    }
  });

  test('answers 503 while the app has no healthy instance, 502 when its instance is gone, 404 once removed', async ({
    front,
  }) => {
    front.park(orders);
    const parked = await fetchApp(front.urlFor(orders));
    expect(parked.status).toBe(503);
    expect(parked.headers.get('content-type')).toBe('application/problem+json');
    expect(await parked.json()).toMatchObject({
      status: 503,
      detail: expect.stringContaining('orders.dev.default'),
    });

    const gone = await saying('x');
    await gone.close();
    front.route(orders, gone.url);
    const refused = await fetchApp(front.urlFor(orders));
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ status: 502, title: 'App unreachable' });

    front.unroute(orders);
    expect((await fetchApp(front.urlFor(orders))).status).toBe(404);
  });

  test('streams request and response bodies without buffering them', async ({ front, backends }) => {
    const echo = backends(
      await backend((req, res) => {
        if (req.url === '/ticks') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('first\n');
          setTimeout(() => res.end('second\n'), 500);
          return;
        }
        let bytes = 0;
        req.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        req.on('end', () => res.end(String(bytes)));
      }),
    );
    front.route(orders, echo.url);

    const res = await fetchApp(`${front.urlFor(orders)}/ticks`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const started = Date.now();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('first\n');
    expect(Date.now() - started).toBeLessThan(400);
    await reader.cancel();

    const size = 8 * 1024 * 1024;
    const upload = await fetchApp(`${front.urlFor(orders)}/upload`, {
      method: 'POST',
      body: new ReadableStream({
        pull(controller) {
          for (let i = 0; i < 8; i++) controller.enqueue(new Uint8Array(size / 8));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(await upload.text()).toBe(String(size));
  });

  test('passes WebSocket upgrades through', async ({ front, backends }) => {
    const b = backends(await saying('http'));
    const wss = new WebSocketServer({ server: b.server });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo ${String(data)}`)));
    front.route(orders, b.url);

    const client = new WebSocket(`ws://127.0.0.1:${front.port}/ws`, {
      headers: { host: `orders.dev.default.localhost:${front.port}` },
    });
    await once(client, 'open');
    client.send('hi');
    const [reply] = await once(client, 'message');
    expect(String(reply)).toBe('echo hi');
    client.close();
    wss.close();
  });

  test('switches with no failed request: keep-alive clients follow, in-flight requests finish on the old instance', async ({
    front,
    backends,
  }) => {
    const slow = (text: string) =>
      backend((req, res) => {
        setTimeout(() => res.end(text), req.url === '/slow' ? 600 : 2);
      });
    const blue = backends(await slow('blue'));
    const green = backends(await slow('green'));
    front.route(orders, blue.url);

    const bodies: string[] = [];
    const failures: string[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        try {
          const res = await fetchApp(`${front.urlFor(orders)}/`);
          const text = await res.text();
          if (res.status === 200) bodies.push(text);
          else failures.push(`${res.status} ${text}`);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    const inFlight = fetchApp(`${front.urlFor(orders)}/slow`).then((r) => r.text());
    await sleep(200);
    front.route(orders, green.url);
    await sleep(700); // the orchestrator's drain, longer than the slow request
    await blue.close();
    await sleep(300);
    running = false;
    await Promise.all(clients);

    expect(failures).toEqual([]);
    expect(await inFlight).toBe('blue');
    expect(bodies.length).toBeGreaterThan(50);
    expect(bodies[0]).toBe('blue');
    expect(bodies.at(-1)).toBe('green');
    const switched = bodies.indexOf('green');
    expect(bodies.slice(switched + 8)).not.toContain('blue');
    expect(green.hits()).toBeGreaterThan(10);
  });

  test('rebuilds its routes from what runs', async ({ front, backends }) => {
    const b = backends(await saying('orders v2'));
    front.route(billing, b.url);
    front.sync([
      {
        ref: orders,
        deploymentId: 'd1',
        version: 'v1',
        state: 'stopped',
        id: 'old',
        startedAt: '2026-01-01T00:00:00Z',
      },
      {
        ref: orders,
        deploymentId: 'd2',
        version: 'v2',
        state: 'running',
        id: 'new',
        url: b.url,
        startedAt: '2026-01-02T00:00:00Z',
      },
      { ref: { ...orders, app: 'payments' }, deploymentId: 'd3', version: 'v1', state: 'failed', id: 'p' },
    ]);
    expect(await (await fetchApp(front.urlFor(orders))).text()).toBe('orders v2');
    expect((await fetchApp(front.urlFor({ ...orders, app: 'payments' }))).status).toBe(503);
    expect((await fetchApp(front.urlFor(billing))).status).toBe(404);
  });

  test('asks again where an app is when its instance refuses connections', async ({ front, backends }) => {
    const moved = backends(await saying('moved'));
    const gone = await saying('gone');
    await gone.close();
    const lookups: string[] = [];
    const relocating = new FrontProxy({
      host: '127.0.0.1',
      port: 0,
      domain: 'apps.test',
      lookup: async (ref) => {
        lookups.push(ref.app);
        return { ref, deploymentId: 'd', version: 'v', state: 'running', id: 'c', url: moved.url };
      },
    });
    await relocating.listen();
    try {
      relocating.route(orders, gone.url);
      const host = `orders.dev.default.apps.test:${relocating.port}`;
      expect((await getWithHost(relocating.port, host)).status).toBe(502);
      await sleep(50);
      expect(lookups).toEqual(['orders']);
      expect((await getWithHost(relocating.port, host)).body).toBe('moved');
    } finally {
      await relocating.close();
    }
    expect(front.port).toBeGreaterThan(0);
  });

  test('takes another port when its port is taken, if allowed', async ({ front }) => {
    const strict = new FrontProxy({ host: '127.0.0.1', port: front.port, domain: 'localhost' });
    await expect(strict.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const lenient = new FrontProxy({
      host: '127.0.0.1',
      port: front.port,
      domain: 'localhost',
      anyPortWhenTaken: true,
    });
    await lenient.listen();
    expect(lenient.port).not.toBe(front.port);
    await lenient.close();
  });
});
