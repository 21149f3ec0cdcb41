import { parseNodeConfig } from '../edge/src/config/node.ts';
import type { Logger } from '../edge/src/logger.ts';
import { startEdge } from '../edge/src/node/server.ts';
import { barePath, cpuPath } from './server-process.ts';

/** Logs go to stderr: stdout carries only the one JSON line the parent waits for. */
const stderrLogger: Logger = {
  info: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'info', msg, ...fields })}\n`),
  error: (msg, fields) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...fields })}\n`),
};

/** Child process of the bench: the real edge plus a bare route, both behind the same global middleware. */
async function main() {
  const edge = await startEdge(parseNodeConfig(process.env), {
    log: stderrLogger,
    extend: (app) => {
      app.get(barePath, (c) => c.body(null, 200));
      app.get(cpuPath, (c) => c.json(process.cpuUsage()));
    },
  });
  const stop = async () => {
    await edge.close();
    process.exit(0);
  };
  // The parent holds our stdin open; when it goes away, so do we.
  process.stdin.on('end', () => void stop()).resume();
  process.once('SIGTERM', () => void stop());
  process.stdout.write(`${JSON.stringify({ url: edge.url })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
