import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TimingProxy = { url: string; take(): number[]; close(): Promise<void> };

/**
 * A pass-through HTTP proxy on loopback that records how long each request took the edge (first
 * byte in to last byte out), so a CLI command's wall time can be set against its requests' time.
 */
export async function timingProxy(target: string): Promise<TimingProxy> {
  const to = new URL(target);
  let times: number[] = [];
  const server = createServer((req, res) => {
    const started = performance.now();
    const upstream = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once('end', () => times.push(performance.now() - started));
      },
    );
    upstream.once('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take: () => {
      const taken = times;
      times = [];
      return taken;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
