import type { IncomingMessage } from 'node:http';
import { maxFrameBytes, type RunnerFrame } from '@cameleer/shared';
import WebSocket from 'ws';
import { isRevokedProblem, type Problem } from '../proxy/http-client.ts';
import { webSocketAgentFor } from '../proxy/proxy-for-url.ts';
import { type SessionOptions, TransportSession } from './transport-session.ts';

export type TunnelSessionOptions = SessionOptions & { handshakeTimeoutMs: number };

/**
 * The tunnel over one WebSocket. A result counts as delivered once it is written and the edge has
 * spoken since (so the socket was alive after it); anything less is replayed after a reconnect.
 */
export class TunnelSession extends TransportSession {
  readonly transport = 'websocket' as const;
  private socket: WebSocket | undefined;
  private awaitingEvidence: Array<{ resolve(): void; reject(err: Error): void }> = [];

  constructor(protected override readonly opts: TunnelSessionOptions) {
    super(opts);
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    const authorization = await this.opts.authorization();
    if (this.ended) return;
    const agent = webSocketAgentFor(this.opts.url);
    const socket = new WebSocket(this.opts.url, {
      headers: { authorization },
      handshakeTimeout: this.opts.handshakeTimeoutMs,
      maxPayload: maxFrameBytes,
      perMessageDeflate: false,
      ...(agent ? { agent } : {}),
    });
    this.socket = socket;
    socket.on('unexpected-response', (_req, res) => void this.refused(res));
    socket.on('open', () => {
      this.opts.logger.info('tunnel open', { transport: this.transport, url: this.opts.url });
      this.heartbeat.watch();
      void this.send(this.helloFrame()).catch(() => {});
      this.emit('open', { transport: this.transport });
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const evidence = this.awaitingEvidence;
      this.awaitingEvidence = [];
      for (const waiter of evidence) waiter.resolve();
      this.received(data.toString());
    });
    socket.on('error', (err) => {
      if (/handshake has timed out/i.test(err.message))
        this.end({ kind: 'upgrade-timeout', reason: err.message });
      else this.end({ kind: 'dropped', reason: err.message, welcomed: this.welcomed });
    });
    socket.on('close', (code, reason) => {
      const why = reason.toString() || `code ${code}`;
      this.end({ kind: 'dropped', reason: `the edge closed the tunnel (${why})`, welcomed: this.welcomed });
    });
  }

  send(frame: RunnerFrame): Promise<void> {
    const socket = this.socket;
    if (this.ended || !socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('the tunnel is not open'));
    }
    return new Promise((resolve, reject) => {
      socket.send(JSON.stringify(frame), (err) => {
        if (err) reject(err);
        else this.awaitingEvidence.push({ resolve, reject });
      });
    });
  }

  protected close(): void {
    const evidence = this.awaitingEvidence;
    this.awaitingEvidence = [];
    for (const waiter of evidence) waiter.reject(new Error('the tunnel closed before the edge confirmed'));
    const socket = this.socket;
    if (!socket) return;
    socket.removeAllListeners('unexpected-response');
    socket.on('error', () => {});
    if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'runner closing');
    else socket.terminate();
  }

  private async refused(res: IncomingMessage): Promise<void> {
    const status = res.statusCode ?? 0;
    const problem = await Promise.race([
      readBody(res),
      new Promise<Problem>((resolve) => setTimeout(() => resolve({}), 2000)),
    ]);
    const detail = problem.detail ?? problem.title ?? res.statusMessage ?? '';
    const reason = `the tunnel upgrade got HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if ((status === 401 || status === 403) && isRevokedProblem(problem))
      this.end({ kind: 'revoked', reason: detail || reason });
    else if (status === 401) this.end({ kind: 'unauthorized', reason });
    else this.end({ kind: 'upgrade-refused', status, reason });
  }
}

async function readBody(res: IncomingMessage): Promise<Problem> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) break;
      chunks.push(chunk as Buffer);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return typeof body === 'object' && body !== null ? (body as Problem) : {};
  } catch {
    return {};
  }
}
