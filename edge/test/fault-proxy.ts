import { connect, createServer, type Server, type Socket } from 'node:net';

export type FaultProxyOptions = {
  /** Each connection is cut after a random lifetime in this range (ms). */
  lifetimeMs: [number, number];
  /** Each chunk waits a random delay in this range (ms), order kept. */
  delayMs: [number, number];
  /** Share of new connections refused outright. */
  refuseRatio: number;
  random?: () => number;
};

/**
 * A TCP proxy that makes the network hostile: it delays every chunk, cuts
 * connections at random moments and refuses some outright, in both directions.
 */
export async function startFaultProxy(target: { host: string; port: number }, opts: FaultProxyOptions) {
  const random = opts.random ?? Math.random;
  const between = ([lo, hi]: [number, number]) => lo + random() * (hi - lo);
  const sockets = new Set<Socket>();
  let cuts = 0;
  let refused = 0;
  let enabled = false;

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (enabled && random() < opts.refuseRatio) {
      refused++;
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    pipeWithDelay(client, upstream);
    pipeWithDelay(upstream, client);
    if (enabled) {
      const cut = setTimeout(() => {
        cuts++;
        client.destroy();
        upstream.destroy();
      }, between(opts.lifetimeMs));
      client.on('close', () => clearTimeout(cut));
    }
  });

  function pipeWithDelay(from: Socket, to: Socket) {
    let chain = Promise.resolve();
    from.on('data', (chunk) => {
      const delay = enabled ? between(opts.delayMs) : 0;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) =>
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, delay),
          ),
      );
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ cuts, refused }),
    /** Start injecting faults (the proxy starts calm). */
    storm: () => {
      enabled = true;
    },
    /** Stop injecting faults (connections then live and flow freely). */
    calm: () => {
      enabled = false;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
