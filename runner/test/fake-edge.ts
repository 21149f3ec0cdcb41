import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EdgeFrame,
  generateSigningKeyJwk,
  importSigningKey,
  importVerifyingKey,
  parseRunnerFrame,
  protocolVersion,
  type RunnerFrame,
  type SignedCommand,
  type SigningKey,
  signProductToken,
  verifyProductToken,
} from '@cameleer/shared';
import type { JWK } from 'jose';
import { type WebSocket, WebSocketServer } from 'ws';

type StoredCommand = { cmd: SignedCommand; final: boolean; ttlSeconds: number };

/**
 * A small in-test peer that speaks the tunnel protocol with the shared schemas: registration, the
 * WebSocket tunnel and long-poll. It is a test double for the runner's tests, not the product's edge.
 */
export class FakeEdge {
  readonly received: RunnerFrame[] = [];
  /** The keys the edge announces in `welcome`, endorsed by `endorsingKey`. */
  announcedKeys: JWK[];
  endorsingKey: SigningKey;
  heartbeatIntervalMs = 1000;
  /** When set, WebSocket upgrades get this HTTP status, as from a proxy that breaks them. */
  refuseUpgradesWith: number | undefined;
  revoked = false;
  /** When false, /healthz answers 503 (the edge itself is unwell, not the network). */
  healthy = true;
  sendHeartbeats = true;
  upgradeAttempts = 0;
  polls = 0;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly commands: StoredCommand[] = [];
  private readonly seenJtis = new Set<string>();
  private runner: { runnerId: string; tenantId: string; publicJwk: JWK } | undefined;
  private pollQueue: EdgeFrame[] = [];
  private pollWaiter: (() => void) | undefined;
  private timers = new Set<NodeJS.Timeout>();
  url = '';

  private constructor(readonly commandKey: SigningKey) {
    this.endorsingKey = commandKey;
    this.announcedKeys = [commandKey.publicJwk];
    this.server = createServer((req, res) => void this.http(req, res));
    this.server.on('upgrade', (req, socket, head) => void this.upgrade(req, socket as never, head));
  }

  static async start(): Promise<FakeEdge> {
    const edge = new FakeEdge(await importSigningKey(await generateSigningKeyJwk()));
    await new Promise<void>((resolve) => edge.server.listen(0, '127.0.0.1', resolve));
    edge.url = `http://127.0.0.1:${(edge.server.address() as AddressInfo).port}`;
    return edge;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.dropConnections();
    this.pollWaiter?.();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get runnerId(): string {
    return this.runner?.runnerId ?? '';
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
  }

  framesOf<T extends RunnerFrame['type']>(type: T): Extract<RunnerFrame, { type: T }>[] {
    return this.received.filter((f): f is Extract<RunnerFrame, { type: T }> => f.type === type);
  }

  /** Stores a command and sends it when the runner is (or next gets) connected. */
  async command(
    kind: SignedCommand['kind'],
    payload: Record<string, unknown> = {},
    ttlSeconds = 300,
  ): Promise<SignedCommand> {
    const cmd: SignedCommand = {
      commandId: `cmd_${randomUUID().slice(0, 8)}`,
      tenantId: this.runner?.tenantId ?? '',
      runnerId: this.runnerId,
      seq: this.commands.length + 1,
      kind,
      payload,
    };
    this.commands.push({ cmd, final: false, ttlSeconds });
    await this.deliver(await this.commandFrame(cmd, { ttlSeconds }));
    return cmd;
  }

  /** A command frame, signed as given (tests forge with other keys and claims). */
  async commandFrame(
    cmd: SignedCommand,
    opts: {
      key?: SigningKey;
      ttlSeconds?: number;
      now?: Date;
      frame?: Partial<{ commandId: string; seq: number }>;
    } = {},
  ): Promise<EdgeFrame> {
    const token = await signProductToken(
      'command',
      opts.key ?? this.commandKey,
      { sub: cmd.commandId, cmd },
      {
        now: opts.now ?? new Date(),
        ttlSeconds: opts.ttlSeconds ?? 300,
      },
    );
    return {
      v: protocolVersion,
      id: randomUUID(),
      type: 'command',
      commandId: opts.frame?.commandId ?? cmd.commandId,
      seq: opts.frame?.seq ?? cmd.seq,
      token,
    };
  }

  /** Sends a frame to the connected runner (WebSocket or the long-poll queue). */
  async deliver(frame: EdgeFrame): Promise<void> {
    for (const socket of this.sockets) socket.send(JSON.stringify(frame));
    this.pollQueue.push(frame);
    if (this.sockets.size > 0) this.pollQueue = [];
    this.pollWaiter?.();
  }

  resultFor(commandId: string) {
    return this.framesOf('result').filter((r) => r.commandId === commandId);
  }

  private async welcomeFrames(): Promise<EdgeFrame[]> {
    const runner = this.runner;
    if (!runner) return [];
    const commandKeys = await signProductToken(
      'commandKeys',
      this.endorsingKey,
      { sub: runner.runnerId, keys: this.announcedKeys },
      { now: new Date(), ttlSeconds: 300 },
    );
    const frames: EdgeFrame[] = [
      {
        v: protocolVersion,
        id: randomUUID(),
        type: 'welcome',
        runnerId: runner.runnerId,
        tenantId: runner.tenantId,
        heartbeatIntervalMs: this.heartbeatIntervalMs,
        serverTime: Date.now(),
        commandKeys,
      },
    ];
    for (const c of this.commands.filter((c) => !c.final)) {
      frames.push(await this.commandFrame(c.cmd, { ttlSeconds: c.ttlSeconds }));
    }
    return frames;
  }

  private accept(raw: string): RunnerFrame | undefined {
    const parsed = parseRunnerFrame(raw);
    if (!parsed.ok) throw new Error(`runner sent an invalid frame: ${parsed.error.message}`);
    this.received.push(parsed.frame);
    if (parsed.frame.type === 'result') {
      const { commandId } = parsed.frame;
      const stored = this.commands.find((c) => c.cmd.commandId === commandId);
      if (stored) stored.final = true;
    }
    return parsed.frame;
  }

  private async authenticate(req: IncomingMessage): Promise<'ok' | 'revoked' | 'unauthorized'> {
    if (!this.runner) return 'unauthorized';
    if (this.revoked) return 'revoked';
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    try {
      const key = await importVerifyingKey({ ...this.runner.publicJwk, kid: this.runner.runnerId });
      const claims = await verifyProductToken('runner', [key], token, { now: new Date() });
      if (
        claims.sub !== this.runner.runnerId ||
        typeof claims.jti !== 'string' ||
        this.seenJtis.has(claims.jti)
      ) {
        return 'unauthorized';
      }
      this.seenJtis.add(claims.jti);
      return 'ok';
    } catch {
      return 'unauthorized';
    }
  }

  private async upgrade(
    req: IncomingMessage,
    socket: import('node:net').Socket,
    head: Buffer,
  ): Promise<void> {
    this.upgradeAttempts += 1;
    // An upgraded socket has lost the HTTP server's error listener: a runner's reset must not crash the test.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, body = '') => {
      socket.end(
        `HTTP/1.1 ${status} Refused\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    if (this.refuseUpgradesWith) return refuse(this.refuseUpgradesWith);
    const auth = await this.authenticate(req);
    if (auth === 'revoked') {
      return refuse(
        401,
        JSON.stringify({
          type: 'https://cameleer.dev/problems/runner-revoked',
          title: 'Runner revoked',
          status: 401,
          detail: 'this runner was deleted',
        }),
      );
    }
    if (auth !== 'ok') return refuse(401, JSON.stringify({ title: 'Unauthorized', status: 401 }));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', async (data) => {
        const frame = this.accept(data.toString());
        if (frame?.type === 'hello') for (const f of await this.welcomeFrames()) ws.send(JSON.stringify(f));
      });
      const timer = setInterval(() => {
        if (this.sendHeartbeats)
          ws.send(
            JSON.stringify({ v: protocolVersion, id: randomUUID(), type: 'heartbeat', at: Date.now() }),
          );
      }, this.heartbeatIntervalMs);
      this.timers.add(timer);
      ws.on('close', () => clearInterval(timer));
    });
  }

  private async http(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => resolve(data));
    });
    const url = new URL(req.url ?? '/', this.url);
    const json = (status: number, value: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/healthz') return json(this.healthy ? 200 : 503, { ok: this.healthy });
    if (url.pathname === '/api/runners/register' && req.method === 'POST') {
      const input = JSON.parse(body) as { token: string; publicKey: JWK };
      if (input.token !== 'cmr_reg_valid' || this.runner) {
        return json(
          401,
          { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'unknown or used token' },
          'application/problem+json',
        );
      }
      this.runner = { runnerId: 'run_test', tenantId: 'ten_test', publicJwk: input.publicKey };
      return json(201, {
        runnerId: 'run_test',
        tenantId: 'ten_test',
        tenantSlug: 'acme',
        environments: ['production'],
        commandKeys: { keys: [this.commandKey.publicJwk] },
      });
    }
    if (url.pathname === '/tunnel/poll' && req.method === 'POST')
      return this.poll(req, res, body, Number(url.searchParams.get('wait') ?? 25));
    json(404, { title: 'Not found', status: 404 }, 'application/problem+json');
  }

  private async poll(req: IncomingMessage, res: ServerResponse, body: string, wait: number): Promise<void> {
    this.polls += 1;
    const auth = await this.authenticate(req);
    if (auth !== 'ok') {
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify(
          auth === 'revoked' ? { type: 'x/runner-revoked', status: 401, detail: 'revoked' } : { status: 401 },
        ),
      );
      return;
    }
    const frames = (JSON.parse(body) as { frames: unknown[] }).frames;
    for (const f of frames) {
      const frame = this.accept(JSON.stringify(f));
      if (frame?.type === 'hello') this.pollQueue.unshift(...(await this.welcomeFrames()));
    }
    if (this.pollQueue.length === 0 && wait > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(wait * 1000, this.heartbeatIntervalMs));
        this.pollWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.pollWaiter = undefined;
    }
    const out = this.pollQueue;
    this.pollQueue = [];
    if (out.length === 0 && wait > 0)
      out.push({ v: protocolVersion, id: randomUUID(), type: 'heartbeat', at: Date.now() });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ frames: out }));
  }
}
