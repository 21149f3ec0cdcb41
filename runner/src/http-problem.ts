import type { ServerResponse } from 'node:http';

/** An error answered by one of the runner's own HTTP servers (front, intake), as the edge answers them. */
export type Problem = { status: number; code: string; title: string; detail: string };

/** The application/problem+json body: a stable `type` per code, a human title and detail. */
export function problemBody({ status, code, title, detail }: Problem): string {
  return JSON.stringify({ type: `https://cameleer.dev/problems/${code}`, title, status, detail });
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
