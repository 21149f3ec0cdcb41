import { fileURLToPath } from 'node:url';
import { spawnServer } from './spawn-server.ts';

/** A route answering 200 with no work, behind the same global middleware as /auth/verify. */
export const barePath = '/__bench/bare';

/** The server child's `process.cpuUsage()`: CPU time is what a request costs, however busy the machine. */
export const cpuPath = '/__bench/cpu';

export type ServerProcess = { url: string; stop(): Promise<void> };

const entry = fileURLToPath(new URL('./server.ts', import.meta.url));

/** Starts `bench/server.ts`, the edge with the bare route, in its own process. */
export async function spawnForwardAuthServer(env: Record<string, string>): Promise<ServerProcess> {
  const { ready, stop } = await spawnServer({ entry, env });
  return { url: ready.url, stop };
}
