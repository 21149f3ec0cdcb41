import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** About the size of a command frame: a signed command token is several hundred bytes of JSON. */
const tokenChars = 600;

/** One plain `ws` client against an echo server: the baseline round trip, one message at a time. */
export class WsEcho {
  private pending: (() => void) | undefined;
  readonly messageBytes: number;
  private readonly message: string;

  private constructor(private readonly ws: WebSocket) {
    this.message = JSON.stringify({
      v: 1,
      id: randomUUID(),
      type: 'command',
      commandId: `cmd_${randomUUID()}`,
      seq: 1,
      token: 'x'.repeat(tokenChars),
    });
    this.messageBytes = Buffer.byteLength(this.message);
    ws.on('message', (data) => {
      JSON.parse(String(data));
      this.pending?.();
    });
  }

  static async connect(url: string): Promise<WsEcho> {
    const ws = new WebSocket(url);
    await new Promise<void>((ok, fail) => ws.once('open', ok).once('error', fail));
    return new WsEcho(ws);
  }

  /** Milliseconds from send to the echo, which is parsed as a frame would be. */
  roundTrip(): Promise<number> {
    return new Promise((ok) => {
      const sentAt = performance.now();
      this.pending = () => {
        this.pending = undefined;
        ok(performance.now() - sentAt);
      };
      this.ws.send(this.message);
    });
  }

  close(): void {
    this.ws.close();
  }
}
