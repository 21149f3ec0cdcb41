import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { problemBody, sendProblem as send } from '../http-problem.ts';

export type FrontProblem = { status: 404 | 502 | 503; title: string; detail: string };

const codes = { 404: 'unknown-app', 502: 'app-unreachable', 503: 'app-not-running' } as const;

const body = (problem: FrontProblem) => problemBody({ ...problem, code: codes[problem.status] });

export function sendProblem(res: ServerResponse, problem: FrontProblem): void {
  send(res, { ...problem, code: codes[problem.status] });
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
