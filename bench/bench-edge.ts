import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EdgeApi } from './edge-api.ts';
import { spawnTunnelServer, type TunnelServerProcess } from './tunnel-server-process.ts';

/** Runs `use` against a bench edge of its own (fresh data directory, admin token, no local runner), then stops it. */
export async function withBenchEdge<T>(
  use: (api: EdgeApi, server: TunnelServerProcess) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cameleer-bench-'));
  const adminToken = randomBytes(24).toString('base64url');
  const server = await spawnTunnelServer({
    CAMELEER_DATA_DIR: dataDir,
    PORT: '0',
    CAMELEER_ADMIN_TOKEN: adminToken,
    CAMELEER_LOCAL_RUNNER: 'false',
  }).catch(async (err: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  try {
    return await use(new EdgeApi(server.url, adminToken), server);
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
