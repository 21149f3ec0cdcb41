import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { maxFrameBytes } from '@cameleer/shared';
import { WebSocketServer } from 'ws';
import type { Services } from '../env.ts';
import { AppError, problemBody } from '../errors.ts';
import { runnerRevoked } from '../routes/tunnel/poll.ts';
import type { LocalHub } from '../tunnel/local-hub.ts';
import { authenticateRunner, RunnerRefused } from '../tunnel/runner-auth.ts';

/**
 * The runner tunnel on the API's own port: `GET /tunnel` upgrades to a
 * WebSocket once the runner credential in the Authorization header verifies.
 * A refused upgrade is an HTTP problem answer, never an open socket.
 */
export function attachWebSocketTunnel(
  server: Server,
  hub: LocalHub,
  services: () => Services,
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (new URL(req.url ?? '/', 'http://edge').pathname !== '/tunnel') {
      refuse(socket, new AppError('not-found', 'Only /tunnel accepts WebSocket upgrades'));
      return;
    }
    authenticateRunner(services(), req.headers.authorization).then(
      (runner) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          const link = hub.attach(runner, {
            kind: 'websocket',
            send: (frame) => ws.send(JSON.stringify(frame)),
            close: (code, reason) => ws.close(code, reason),
          });
          ws.on('message', (data, isBinary) => {
            void link.receive(isBinary ? '' : data.toString());
          });
          ws.on('close', () => hub.detach(link));
          ws.on('error', () => ws.terminate());
        }),
      (err: unknown) => {
        if (err instanceof RunnerRefused) {
          refuse(socket, err.reason === 'revoked' ? runnerRevoked(err.detail) : err);
        } else {
          services().log.error('tunnel: upgrade failed', { error: String(err) });
          refuse(socket, new AppError('unavailable', 'The edge cannot accept runners right now'));
        }
      },
    );
  });
  return wss;
}

function refuse(socket: Duplex, error: AppError) {
  const body = JSON.stringify(problemBody(error, ''));
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Refused'}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
