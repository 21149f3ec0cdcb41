import { fileURLToPath } from 'node:url';
import { spawnServer } from './spawn-server.ts';

/** Answers the edge child's `process.memoryUsage()` right after a forced full GC. */
export const memoryPath = '/__bench/memory';
/** POST …/{slug}: a registration token of a bench tenant, made when missing. */
export const benchTenantTokenPath = '/__bench/tenant-token';
/** GET: the tunnel hop of each command so far; DELETE: stop recording them. */
export const tunnelHopsPath = '/__bench/tunnel-hops';

export type EdgeMemory = NodeJS.MemoryUsage & { connectedRunners: number };

/** Per command id, ms from the edge handing the command frame to the socket until the result frame arrives. */
export type TunnelHops = Record<string, number>;

export type TunnelServerProcess = {
  url: string;
  /** A plain `ws` echo server in the same child, the baseline round trip. */
  echoUrl: string;
  memory(): Promise<EdgeMemory>;
  tunnelHops(): Promise<TunnelHops>;
  /** Runners connecting from now on are not instrumented, so they do not add to the memory figures. */
  stopRecordingHops(): Promise<void>;
  stop(): Promise<void>;
};

const entry = fileURLToPath(new URL('./tunnel-server.ts', import.meta.url));

/** Starts `bench/tunnel-server.ts` with `--expose-gc` in its own process. */
export async function spawnTunnelServer(env: Record<string, string>): Promise<TunnelServerProcess> {
  const { ready, stop } = await spawnServer({ entry, nodeArgs: ['--expose-gc'], env });
  const { url, echoUrl } = ready;
  if (typeof echoUrl !== 'string') {
    await stop();
    throw new Error('bench tunnel server printed no echoUrl');
  }
  const call = async <T>(method: string, path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  return {
    url,
    echoUrl,
    memory: () => call<EdgeMemory>('GET', memoryPath),
    tunnelHops: () => call<TunnelHops>('GET', tunnelHopsPath),
    stopRecordingHops: () => call<void>('DELETE', tunnelHopsPath),
    stop,
  };
}
