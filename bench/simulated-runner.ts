import { randomUUID } from 'node:crypto';
import { generateSigningKeyJwk, importSigningKey, protocolVersion, signProductToken } from '@cameleer/shared';
import WebSocket from 'ws';
import type { EdgeApi } from './edge-api.ts';

type Registered = { runnerId: string; tenantId: string; key: Awaited<ReturnType<typeof importSigningKey>> };

/**
 * A runner reduced to the protocol: registered with its own Ed25519 key, one WebSocket, a `hello`,
 * and a heartbeat answered now and then so the edge keeps it. Many fit in one process.
 */
export class SimulatedRunner {
  private ws: WebSocket | undefined;

  private constructor(private readonly identity: Registered) {}

  static async register(api: EdgeApi, name: string, tenant?: string): Promise<SimulatedRunner> {
    const token = tenant ? await api.benchTenantToken(tenant) : await api.registrationToken();
    const key = await importSigningKey(await generateSigningKeyJwk());
    const { runnerId, tenantId } = await api.call<{ runnerId: string; tenantId: string }>(
      'POST',
      '/api/runners/register',
      { token, name, publicKey: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x } },
      false,
    );
    return new SimulatedRunner({ runnerId, tenantId, key });
  }

  /** Opens the tunnel and resolves once the edge has sent `welcome`. */
  async connect(url: string, timeoutMs = 30_000): Promise<void> {
    const { runnerId, tenantId, key } = this.identity;
    const jwt = await signProductToken(
      'runner',
      { ...key, kid: runnerId },
      { sub: runnerId, tid: tenantId, jti: randomUUID() },
      { now: new Date(), ttlSeconds: 60 },
    );
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/tunnel`, {
      headers: { authorization: `Bearer ${jwt}` },
      perMessageDeflate: false,
    });
    this.ws = ws;
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`runner ${runnerId}: no welcome in ${timeoutMs} ms`)),
        timeoutMs,
      );
      ws.once('error', (err) => {
        clearTimeout(timer);
        fail(err);
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        fail(new Error(`runner ${runnerId}: upgrade refused with HTTP ${res.statusCode}`));
      });
      ws.once('open', () =>
        this.send({
          type: 'hello',
          runnerVersion: 'bench',
          capabilities: [],
          transport: 'websocket',
          inventory: [],
        }),
      );
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string };
        if (frame.type === 'welcome') {
          clearTimeout(timer);
          ok();
        } else if (frame.type === 'heartbeat') {
          this.send({ type: 'heartbeat', at: Date.now() });
        }
      });
    });
  }

  close(): void {
    this.ws?.terminate();
  }

  private send(frame: Record<string, unknown>): void {
    this.ws?.send(JSON.stringify({ v: protocolVersion, id: randomUUID(), ...frame }));
  }
}

/** Runs `task` over `items` with at most `limit` in flight, in order of start. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
