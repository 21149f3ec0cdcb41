import { createServer, request, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

function closer(server: Server, sockets: Set<Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/**
 * A corporate forward proxy: CONNECT tunnels, absolute-form requests and
 * absolute-form WebSocket upgrades, counting what went through it.
 */
export async function startForwardProxy() {
  const seen = { connects: 0, upgrades: 0, requests: 0 };
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = createServer((req, res) => {
    seen.requests++;
    const target = new URL(req.url ?? '/');
    const upstream = request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head) => {
    seen.connects++;
    track(client);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    track(upstream);
  });
  server.on('upgrade', (req, client: Socket, head) => {
    seen.upgrades++;
    track(client);
    const target = new URL(req.url ?? '/');
    const upstream = connect(Number(target.port), target.hostname, () => {
      const headers = Object.entries(req.headers).map(
        ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`,
      );
      upstream.write(
        `${req.method} ${target.pathname}${target.search} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`,
      );
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    track(upstream);
  });
  return { url: await listen(server), seen, close: closer(server, sockets) };
}

/** A reverse proxy in front of the edge that passes HTTP but refuses every WebSocket upgrade with 403. */
export async function startUpgradeBlockingProxy(target: string) {
  const sockets = new Set<Socket>();
  let refusedUpgrades = 0;
  const server = createServer((req, res) => {
    const upstream = request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (_req, socket: Socket) => {
    refusedUpgrades++;
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  return {
    url: await listen(server),
    refusedUpgrades: () => refusedUpgrades,
    close: closer(server, sockets),
  };
}
