import { randomUUID } from 'node:crypto';
import {
  type EdgeFrame,
  fixedHeartbeat,
  type Hello,
  parseEdgeFrame,
  protocolVersion,
  type RunnerFrame,
  type Transport,
} from '@cameleer/shared';
import type { Logger } from '../logger.ts';
import { TypedEmitter } from '../typed-emitter.ts';
import { Heartbeat } from './heartbeat.ts';

/** Why a session ended; the runner picks its next move (backoff, fall back, give up) from it. */
export type SessionEnd =
  | { kind: 'dropped'; reason: string; welcomed: boolean }
  | { kind: 'revoked'; reason: string }
  | { kind: 'unauthorized'; reason: string }
  /** The upgrade got an HTTP answer other than 101, as proxies that break WebSockets give. */
  | { kind: 'upgrade-refused'; status: number; reason: string }
  | { kind: 'upgrade-timeout'; reason: string }
  | { kind: 'stopped' };

export type SessionEvents = {
  open: { transport: Transport };
  frame: EdgeFrame;
  end: SessionEnd;
};

export type SessionOptions = {
  url: string;
  edgeUrl: string;
  /** A fresh `Authorization` header value for each connection or request. */
  authorization(): Promise<string>;
  hello(transport: Transport): Omit<Hello, 'v' | 'id' | 'type' | 'transport'>;
  logger: Logger;
  maxSilenceMs: number;
};

export const newFrameId = () => randomUUID();

/**
 * One connection to the edge over one transport, with a lifecycle: `start()`, frames in and out,
 * heartbeats both ways, and exactly one `end` event.
 */
export abstract class TransportSession extends TypedEmitter<SessionEvents> {
  abstract readonly transport: Transport;
  protected ended = false;
  protected welcomed = false;
  protected readonly heartbeat: Heartbeat;

  constructor(protected readonly opts: SessionOptions) {
    super();
    this.heartbeat = new Heartbeat({
      maxSilenceMs: opts.maxSilenceMs,
      send: () => void this.send(fixedHeartbeat).catch(() => {}),
      onDead: (ms) =>
        this.end({
          kind: 'dropped',
          reason: `nothing from the edge for ${Math.round(ms / 1000)} s`,
          welcomed: this.welcomed,
        }),
    });
  }

  abstract start(): void;
  /** Sends a frame; resolves once the transport believes the edge has it, rejects if the session ends first. */
  abstract send(frame: RunnerFrame): Promise<void>;
  protected abstract close(): void;

  stop(): void {
    this.end({ kind: 'stopped' });
  }

  protected helloFrame(): Hello {
    return {
      v: protocolVersion,
      id: newFrameId(),
      type: 'hello',
      transport: this.transport,
      ...this.opts.hello(this.transport),
    };
  }

  /** Handles one raw frame from the edge: validation, heartbeats, welcome and revocation. */
  protected received(raw: string): void {
    if (this.ended) return;
    this.heartbeat.touch();
    const parsed = parseEdgeFrame(raw);
    if (!parsed.ok) {
      this.opts.logger.warn('invalid frame from the edge', {
        code: parsed.error.code,
        message: parsed.error.message,
      });
      void this.send({ ...parsed.error, id: newFrameId() }).catch(() => {});
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 'welcome') {
      this.welcomed = true;
      this.heartbeat.start(frame.heartbeatIntervalMs);
    }
    this.emit('frame', frame);
    if (frame.type === 'error') {
      if (frame.code === 'revoked') this.end({ kind: 'revoked', reason: frame.message });
      else this.opts.logger.warn('the edge reported an error', { code: frame.code, message: frame.message });
    }
  }

  protected end(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.heartbeat.stop();
    this.close();
    this.emit('end', end);
  }
}
