import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { parseNodeConfig } from '../edge/src/config/node.ts';
import { withTenant } from '../edge/src/db/client.ts';
import type { Logger } from '../edge/src/logger.ts';
import { type RunningEdge, startEdge } from '../edge/src/node/server.ts';
import { createRegistrationToken } from '../edge/src/services/registration-tokens.ts';
import { createTenant, getTenant } from '../edge/src/services/tenants.ts';
import type { LocalHub } from '../edge/src/tunnel/local-hub.ts';
import { cpuPath } from './server-process.ts';
import {
  benchTenantTokenPath,
  memoryPath,
  type TunnelHops,
  tunnelHopsPath,
} from './tunnel-server-process.ts';

/** Errors only: a thousand "runner connected" lines would bury the report. */
const quietLogger: Logger = {
  info: () => {},
  error: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...fields })}\n`),
};

/**
 * The tunnel hop of each command, on the edge's clock: from handing its command frame to the
 * socket (before serialisation) until the runner's result frame for it arrives (before parsing).
 * Bench-only: it wraps the hub's `attach`, so every link made while recording is observed.
 */
class TunnelHopRecorder {
  readonly #sentAt = new Map<string, number>();
  readonly #hops: TunnelHops = {};
  #recording = true;

  instrument(hub: LocalHub): void {
    const attach = hub.attach.bind(hub);
    hub.attach = (runner, transport) => {
      if (!this.#recording) return attach(runner, transport);
      const send = transport.send.bind(transport);
      transport.send = (frame) => {
        // A re-delivery after a reconnect is not a new hop.
        if (frame.type === 'command' && !this.#sentAt.has(frame.commandId))
          this.#sentAt.set(frame.commandId, performance.now());
        send(frame);
      };
      const link = attach(runner, transport);
      const receive = link.receive.bind(link);
      link.receive = (raw) => {
        this.#received(raw, performance.now());
        return receive(raw);
      };
      return link;
    };
  }

  get hops(): TunnelHops {
    return this.#hops;
  }

  stop(): void {
    this.#recording = false;
    this.#sentAt.clear();
  }

  #received(raw: string, at: number): void {
    let frame: { type?: unknown; commandId?: unknown };
    try {
      frame = JSON.parse(raw) as typeof frame;
    } catch {
      return;
    }
    if (frame.type !== 'result' || typeof frame.commandId !== 'string') return;
    const sentAt = this.#sentAt.get(frame.commandId);
    if (sentAt !== undefined && !(frame.commandId in this.#hops)) this.#hops[frame.commandId] = at - sentAt;
  }
}

const benchActor = { type: 'system', id: 'bench', role: 'system' } as const;

/** A registration token of tenant `slug` (made on the high tier when missing), straight through the services. */
async function benchRegistrationToken(edge: RunningEdge, slug: string): Promise<string> {
  const { db, clock } = edge.services;
  const base = { actor: benchActor, clock, requestId: 'bench' };
  const tenant = await getTenant({ ctx: { db }, input: { tenant: slug } }).catch(() =>
    createTenant({ ctx: { ...base, db }, input: { slug, name: slug, tier: 'high' } }),
  );
  const { token } = await withTenant(db, tenant.id, (tx) =>
    createRegistrationToken({
      ctx: { ...base, db: tx, tenantId: tenant.id },
      input: { environments: [], ttlMinutes: 60 },
    }),
  );
  return token;
}

/**
 * Child process of the tunnel bench: the real edge, routes reporting this process's memory after a
 * full GC and the tunnel hop of each command, and a plain `ws` echo server as the baseline, so both
 * round trips cross the same process boundary.
 */
async function main() {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc');
  const recorder = new TunnelHopRecorder();
  let edge: RunningEdge | undefined;
  edge = await startEdge(parseNodeConfig(process.env), {
    log: quietLogger,
    extend: (app) => {
      app.get(memoryPath, (c) => {
        // Several passes: weak references and finalizers free more on the second and third.
        for (let i = 0; i < 3; i++) gc();
        return c.json({ ...process.memoryUsage(), connectedRunners: edge?.hub.size ?? 0 });
      });
      app.get(tunnelHopsPath, (c) => c.json(recorder.hops));
      app.get(cpuPath, (c) => c.json(process.cpuUsage()));
      // A tenant has at most 20 runners: the idle-runner fleet registers across bench tenants made here.
      app.post(`${benchTenantTokenPath}/:slug`, async (c) => {
        if (!edge) return c.body(null, 503);
        return c.json({ token: await benchRegistrationToken(edge, c.req.param('slug')) });
      });
      app.delete(tunnelHopsPath, (c) => {
        recorder.stop();
        return c.body(null, 204);
      });
    },
  });
  // No runner is connected yet: the local runner is off and the bench connects only after the ready line.
  recorder.instrument(edge.hub);
  const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((ok, fail) => echo.once('listening', ok).once('error', fail));
  echo.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  const echoUrl = `ws://127.0.0.1:${(echo.address() as AddressInfo).port}`;

  const stop = async () => {
    echo.close();
    await edge?.close();
    process.exit(0);
  };
  // The parent holds our stdin open; when it goes away, so do we.
  process.stdin.on('end', () => void stop()).resume();
  process.once('SIGTERM', () => void stop());
  process.stdout.write(`${JSON.stringify({ url: edge.url, echoUrl })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench tunnel server: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
