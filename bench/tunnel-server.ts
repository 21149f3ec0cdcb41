import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Logger } from '../edge/src/logger.ts';
import { parseNodeConfig } from '../edge/src/node/config.ts';
import { type RunningEdge, startEdge } from '../edge/src/node/server.ts';
import { memoryPath } from './tunnel-server-process.ts';

/** Errors only: a thousand "runner connected" lines would bury the report. */
const quietLogger: Logger = {
  info: () => {},
  error: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...fields })}\n`),
};

/**
 * Child process of the tunnel bench: the real edge, a route reporting this process's memory after a
 * full GC, and a plain `ws` echo server as the baseline, so both round trips cross the same process boundary.
 */
async function main() {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc');
  let edge: RunningEdge | undefined;
  edge = await startEdge(parseNodeConfig(process.env), {
    log: quietLogger,
    extend: (app) => {
      app.get(memoryPath, (c) => {
        // Several passes: weak references and finalizers free more on the second and third.
        for (let i = 0; i < 3; i++) gc();
        return c.json({ ...process.memoryUsage(), connectedRunners: edge?.hub.size ?? 0 });
      });
    },
  });
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
