import { PartialProblem } from '@cameleer/shared';

/** The edge's error body (`application/problem+json`), as far as it can be read. */
export const Problem = PartialProblem;
export type Problem = PartialProblem;

/** The problem in a failed response, or undefined when something else (a proxy, a load balancer) answered. */
export async function readProblem(res: Response): Promise<Problem | undefined> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One line: the detail, the field errors, the request id and the status. The
 * request id (the problem's, else the `x-request-id` header) finds the request
 * in the edge's logs.
 */
export function problemMessage(problem: Problem | undefined, res: Response, request: string): string {
  const requestId = problem?.requestId || res.headers.get('x-request-id');
  const reference = requestId ? ` (request id ${requestId})` : '';
  const head = problem?.detail || problem?.title;
  if (!head) return `${`${request} answered ${res.status} ${res.statusText}`.trim()}${reference}`;
  const fields = problem?.errors?.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)) ?? [];
  const detail = fields.length > 0 ? `${head} (${fields.join('; ')})` : head;
  return `${detail}${reference} [HTTP ${res.status}]`;
}
