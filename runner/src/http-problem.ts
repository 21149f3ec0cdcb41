import type { ServerResponse } from 'node:http';
import { type Problem as ProblemBody, problemType } from '@cameleer/shared';

/** An error answered by one of the runner's own HTTP servers (front, intake), as the edge answers them. */
export type Problem = Pick<ProblemBody, 'status' | 'title' | 'detail'> & { code: string };

/** The application/problem+json body: a stable `type` per code, a human title and detail. */
export function problemBody({ status, code, title, detail }: Problem): string {
  const body: ProblemBody = { type: problemType(code), title, status, detail };
  return JSON.stringify(body);
}

export function sendProblem(
  res: ServerResponse,
  problem: Problem,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = problemBody(problem);
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
