import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FrontProblem = { status: 404 | 502 | 503; title: string; detail: string };

const types = {
  404: 'https://cameleer.dev/problems/unknown-app',
  502: 'https://cameleer.dev/problems/app-unreachable',
  503: 'https://cameleer.dev/problems/app-not-running',
} as const;

function body(problem: FrontProblem): string {
  return JSON.stringify({ type: types[problem.status], ...problem });
}

export function sendProblem(res: ServerResponse, problem: FrontProblem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = body(problem);
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** A WebSocket upgrade that cannot be routed gets a plain HTTP answer on its socket, then the socket closes. */
export function rejectUpgrade(socket: Socket, problem: FrontProblem): void {
  if (!socket.writable) return void socket.destroy();
  const text = body(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
