/**
 * The embedded ClickHouse as a process of its own: `node --import tsx edge/src/node/chdb-server-main.ts
 * --data-dir DIR [--port N] [--host H]`. Prints `chdb-server listening <url>` once it serves; stops on
 * SIGTERM/SIGINT, and when its stdin closes, so it never outlives a parent that holds that pipe.
 * Tests run it this way: each gets its own engine (chDB allows one data directory per process), and
 * stopping it is a real outage.
 */
import { parseArgs } from 'node:util';
import { startChdbServer } from './chdb-server.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'watch-stdin': { type: 'boolean', default: false },
  },
});
const dataDir = values['data-dir'];
if (!dataDir) {
  process.stderr.write('usage: chdb-server-main --data-dir DIR [--port N] [--host H] [--watch-stdin]\n');
  process.exit(2);
}

const server = await startChdbServer({ dataDir, port: Number(values.port), host: values.host });
process.stdout.write(`chdb-server listening ${server.url}\n`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (values['watch-stdin']) {
  process.stdin.on('close', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
