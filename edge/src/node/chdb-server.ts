import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chdbRequestListener } from './chdb-server-handler.ts';
import { acquireChdbSession, releaseChdbSession } from './chdb-server-session.ts';

/**
 * The embedded ClickHouse: chDB behind the ClickHouse HTTP interface, so the pipeline and the edge
 * talk to it with `@clickhouse/client` exactly as to a ClickHouse server. Create clients with
 * `compression: { request: false, response: false }` (the defaults): gzip request bodies are
 * accepted, but replies are never compressed. One server per data directory per process.
 */
export type ChdbServer = {
  /** `http://host:port`, stable across `stop()`/`start()`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops listening and drops open connections; the data and the engine stay. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Stops and releases the engine. */
  close(): Promise<void>;
};

export type ChdbServerOptions = {
  dataDir: string;
  port?: number;
  host?: string;
  /** Largest request body, after decompression (default 512 MiB). */
  maxBodyBytes?: number;
};

export async function startChdbServer(opts: ChdbServerOptions): Promise<ChdbServer> {
  const host = opts.host ?? '127.0.0.1';
  const session = acquireChdbSession(opts.dataDir);
  const listener = chdbRequestListener({
    session: () => session,
    maxBodyBytes: opts.maxBodyBytes ?? 512 * 1024 * 1024,
  });
  let server: Server | undefined;
  let closed = false;

  async function listen(port: number): Promise<number> {
    const s = createServer((req, res) => {
      listener(req, res).catch(() => res.destroy());
    });
    s.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    server = s;
    return (s.address() as AddressInfo).port;
  }

  let port: number;
  try {
    port = await listen(opts.port ?? 0);
  } catch (err) {
    await releaseChdbSession(opts.dataDir);
    throw err;
  }
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  async function stop() {
    const s = server;
    if (!s) return;
    server = undefined;
    const stopped = new Promise<void>((resolve) => s.close(() => resolve()));
    s.closeAllConnections();
    await stopped;
  }

  return {
    url,
    port,
    dataDir: opts.dataDir,
    stop,
    async start() {
      if (closed) throw new Error('the chDB server is closed');
      if (!server) await listen(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      await releaseChdbSession(opts.dataDir);
    },
  };
}
