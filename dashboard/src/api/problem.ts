/** A refused request in words: the problem+json the edge answers with, or what went wrong on the way. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly type?: string,
  ) {
    super(detail || title);
  }
}

type ProblemBody = { title?: unknown; detail?: unknown; type?: unknown };

export function problemOf(status: number, body: unknown): ApiProblem {
  const p = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  const title = typeof p.title === 'string' ? p.title : `Request failed (${status})`;
  const detail = typeof p.detail === 'string' ? p.detail : '';
  return new ApiProblem(status, title, detail, typeof p.type === 'string' ? p.type : undefined);
}

/** What a person reads for any error a query or mutation throws. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof ApiProblem) return { title: error.title, detail: error.detail };
  if (error instanceof TypeError) return { title: 'The server cannot be reached', detail: error.message };
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}
